"""A price file parsed into plain arrays, so it can be parsed in another process.

Parsing a price file (:func:`bot.market.price_file.read_price_file`) is tens of milliseconds of
pandas work holding the GIL: in the bot's own process it makes the event loop wait. The bot
parses in its worker processes instead (:meth:`bot.services.render_pool.RenderPool.read_prices`),
and what crosses back is :class:`ParsedPrices`: the dates as integers, the columns as one float
block, and the notes on what was skipped or repaired. :func:`frame_of_parsed` rebuilds the very
frame ``read_price_file`` returns (same index and frequency, dtypes, columns and values; a test checks it on
every file of the data folder).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bot.market.price_file import read_price_file


@dataclass(frozen=True)
class ParsedPrices:
    dates: np.ndarray  # the index as int64 ticks of ``date_unit``
    date_unit: str  # the index's dtype, e.g. "datetime64[us]"
    values: np.ndarray  # float64, one row per column, one column per bar
    columns: tuple[str, ...]
    notes: tuple[str, ...]  # what was skipped or repaired, one line each
    freq: str | None = None  # the index's frequency, when pandas saw one (every day present)

    @property
    def nbytes(self) -> int:
        return int(self.dates.nbytes + self.values.nbytes)


def parse_price_file(path: str | Path) -> ParsedPrices:
    """:func:`read_price_file` as arrays (a worker process's entry point); raises BadPriceFile."""
    frame, notes = read_price_file(path)
    index = pd.DatetimeIndex(frame.index)
    return ParsedPrices(
        dates=np.ascontiguousarray(index.asi8),
        date_unit=str(index.dtype),
        values=np.ascontiguousarray(frame.to_numpy(dtype=np.float64).T),
        columns=tuple(str(c) for c in frame.columns),
        notes=tuple(notes),
        freq=index.freqstr,
    )


def frame_of_parsed(parsed: ParsedPrices) -> pd.DataFrame:
    """The price frame of ``parsed``, as :func:`read_price_file` returned it (no copy of the values)."""
    dates = parsed.dates.view(parsed.date_unit)
    index = (pd.DatetimeIndex(dates, name="Date") if parsed.freq is None
             else pd.DatetimeIndex(dates, name="Date", freq=parsed.freq))
    return pd.DataFrame(parsed.values.T, index=index, columns=list(parsed.columns), copy=False)
