"""The intraday notice's chart: the day's 5-minute candles so far, the line being crossed and the
quote that crossed it. Small (the notice is one line of news, not an analysis)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bot.charts import style as S
from bot.charts.figure import Tag, add_panels, add_tags, add_title, draw_candles, new_figure, ohlcv, set_price_range, set_x_range, to_png
from bot.words.charts import price_tag
from bot.words.intraday import intraday_chart_subtitle, intraday_chart_title


def bars_of_payload(bars: dict) -> pd.DataFrame:
    """The notice payload's bars (``t``, ``o``, ``h``, ``l``, ``c``, ``v`` lists) as a frame."""
    index = pd.DatetimeIndex(pd.to_datetime(bars["t"]), name="Datetime")
    return pd.DataFrame({"Open": bars["o"], "High": bars["h"], "Low": bars["l"], "Close": bars["c"],
                         "Volume": bars["v"]}, index=index, dtype=float)


def render_intraday_chart(bars: pd.DataFrame, *, ticker: str, line: float, quote: float, up: bool) -> bytes:
    """PNG bytes: candles and volume of the day so far, ``line`` drawn across, ``quote`` tagged."""
    data = ohlcv(bars)
    fig = new_figure()
    fig.set_size_inches(S.FIGSIZE[0], S.FIGSIZE[1] * 0.75)
    ax, axv = add_panels(fig)
    draw_candles(ax, axv, data)
    n = len(data)
    set_x_range(ax, max(n, 12), right_pad=0.5)
    colour = S.RESISTANCE if up else S.FAILED
    ax.axhline(line, color=colour, linewidth=1.6, linestyle="--", zorder=5)
    ax.plot([n - 1], [quote], marker="o", markersize=7, color=S.BREAKOUT if up else S.FAILED, zorder=6)
    lo = min(float(np.nanmin(data["Low"].to_numpy())), line)
    hi = max(float(np.nanmax(data["High"].to_numpy())), line)
    set_price_range(ax, lo, hi, pad_low=0.08, pad_high=0.1)
    add_tags(ax, [Tag(line, price_tag(line), colour), Tag(quote, price_tag(quote), S.TEXT)])
    times = pd.DatetimeIndex(bars.index)
    add_title(fig, intraday_chart_title(ticker), intraday_chart_subtitle(times[0], times[-1]))
    return to_png(fig)
