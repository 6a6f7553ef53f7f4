"""Charts drawn in another process: the bars travel as plain arrays, not pickled DataFrames.

:func:`pack_bars` turns the OHLCV columns and the dates into numpy arrays (no index metadata,
no ``attrs``); :func:`render_base_packed` is the worker's entry point: a module-level function,
so a spawned process can import it. The PNG is byte-identical to an in-process render.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from bot.analysis.models import BaseResult, Marker
from bot.market.frames import OHLCV

PackedBars = dict[str, np.ndarray]


def pack_bars(bars: pd.DataFrame) -> PackedBars:
    """The dates (int64 ns) and the five OHLCV columns (float64) of ``bars``."""
    packed = {"Date": np.asarray(pd.DatetimeIndex(bars.index).tz_localize(None).as_unit("ns").asi8, dtype=np.int64)}
    for col in OHLCV:
        packed[col] = np.ascontiguousarray(bars[col].to_numpy(dtype=float))
    return packed


def unpack_bars(packed: PackedBars) -> pd.DataFrame:
    index = pd.DatetimeIndex(packed["Date"].astype("datetime64[ns]"), name="Date")
    return pd.DataFrame({col: packed[col] for col in OHLCV}, index=index)


def render_price_packed(packed: PackedBars, ticker: str, timeframe: str, show_last: int | None) -> bytes:
    """:func:`bot.charts.price_chart.render_price_chart` of packed bars (runs in a pool worker)."""
    from bot.charts.price_chart import render_price_chart

    return render_price_chart(unpack_bars(packed), ticker=ticker, timeframe=timeframe, show_last=show_last)


def render_base_packed(packed: PackedBars, result: BaseResult, ticker: str, timeframe: str,
                       markers: Sequence[Marker] = ()) -> bytes:
    """:func:`bot.charts.base_chart.render_base_chart` of packed bars (runs in a pool worker)."""
    from bot.charts.base_chart import render_base_chart

    return render_base_chart(unpack_bars(packed), result, ticker=ticker, timeframe=timeframe, markers=tuple(markers))


WORKER_NICENESS = 10


def lower_priority() -> None:
    """A worker's initializer: yield the CPU to the bot's own process (its event loop answers
    Discord) whenever both want it; on an idle machine renders run at full speed."""
    try:
        os.nice(WORKER_NICENESS)
    except OSError:
        return  # not permitted here: the worker keeps the normal priority


def warm_worker() -> int:
    """Import the drawing stack and draw a small chart in a fresh worker (fonts, styles), so
    its first real chart is as fast as the next ones; its process id."""
    import bot.charts.base_chart  # noqa: F401
    from bot.charts.price_chart import render_price_chart

    days = 30
    closes = 100.0 + np.arange(days, dtype=float)
    packed = {"Date": np.asarray(pd.bdate_range("2024-01-01", periods=days).as_unit("ns").asi8, dtype=np.int64),
              "Open": closes - 0.5, "High": closes + 1.0, "Low": closes - 1.0, "Close": closes,
              "Volume": np.full(days, 1e6)}
    render_price_chart(unpack_bars(packed), ticker="WARM", timeframe="daily", mav=())
    return os.getpid()


def crash_worker() -> None:
    """End the worker process abruptly (tests: a crashed worker must be replaced)."""
    os._exit(13)
