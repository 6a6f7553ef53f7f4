"""A plain price chart: candles, volume, simple moving averages, last-close tag."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bot.charts import style as S
from bot.charts.figure import (
    add_panels,
    add_tags,
    add_title,
    date_ticks,
    draw_candles,
    last_close_tag,
    new_figure,
    ohlcv,
    set_price_range,
    set_x_range,
    to_png,
)
from bot.words.charts import as_of, moving_average_label, price_subtitle, price_title


def moving_averages(closes: pd.Series, windows: Sequence[int]) -> dict[int, pd.Series]:
    """Simple moving averages of ``closes`` for each window with enough data (``len >= window``)."""
    return {w: closes.rolling(w, min_periods=w).mean() for w in windows if 0 < w <= len(closes)}


def render_price_chart(
    bars: pd.DataFrame,
    *,
    ticker: str,
    timeframe: str,
    mav: Sequence[int] = (50, 200),
    show_last: int | None = None,
) -> bytes:
    """PNG bytes (1200 x 700): candles + volume + SMAs of ``mav``.

    The averages are computed on all of ``bars``; ``show_last`` (optional) draws only the last N
    bars, so callers can pass extra history to warm the averages up. An average is drawn only
    when there are at least ``window`` bars, and only where it has a value.
    """
    return to_png(price_chart_figure(bars, ticker=ticker, timeframe=timeframe, mav=mav, show_last=show_last))


def price_chart_figure(
    bars: pd.DataFrame,
    *,
    ticker: str,
    timeframe: str,
    mav: Sequence[int] = (50, 200),
    show_last: int | None = None,
) -> Figure:
    """The figure behind :func:`render_price_chart`."""
    full = ohlcv(bars)
    mas = moving_averages(full["Close"], mav)
    data = full.iloc[-show_last:] if show_last else full
    n = len(data)
    fig = new_figure()
    ax, axv = add_panels(fig)
    draw_candles(ax, axv, data)
    set_x_range(ax, n, right_pad=0.5)

    x = np.arange(n)
    lo = float(np.nanmin(data["Low"].to_numpy()))
    hi = float(np.nanmax(data["High"].to_numpy()))
    handles, labels = [], []
    for k, (w, series) in enumerate(mas.items()):
        y = series.iloc[-n:].to_numpy()
        if not np.isfinite(y).any():
            continue
        (line,) = ax.plot(x, y, color=S.MAV_COLORS[k % len(S.MAV_COLORS)], linewidth=1.8, zorder=4)
        lo, hi = min(lo, float(np.nanmin(y))), max(hi, float(np.nanmax(y)))
        handles.append(line)
        labels.append(moving_average_label(w, float(y[-1]) if np.isfinite(y[-1]) else None))
    set_price_range(ax, lo, hi, pad_low=0.05, pad_high=0.08)
    if handles:
        ax.legend(
            handles, labels, loc="best", frameon=True, facecolor=S.BG, edgecolor=S.SPINE, framealpha=0.9,
            labelcolor=S.TEXT, handlelength=1.6, prop={"family": S.FONT, "size": S.LEGEND_PT - 1},
        ).set_zorder(30)
    date_ticks([ax, axv], data.index)
    add_tags(ax, [last_close_tag(data)])

    closes = data["Close"].to_numpy()
    previous = float(closes[-2]) if n >= 2 else None
    sub = price_subtitle(float(closes[-1]), previous, float(closes[0]), data.index[0], timeframe)
    add_title(fig, price_title(ticker, timeframe), sub, as_of(data.index[-1]))
    return fig
