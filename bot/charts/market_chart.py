"""The market chart: the index's daily candles and volume, its 50-day average, the state as a
shaded background (under pressure, correction), distribution days marked above their bars and
follow-through days below them."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from bot.analysis.evidence import MarketState
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
from bot.words.charts import as_of, moving_average_label
from bot.words.market import DISTRIBUTION_MARK, FOLLOW_THROUGH_MARK, SHADE_LABELS, chart_subtitle, chart_title

SHOWN_SESSIONS = 120  # about six months of daily bars
SHADES = {"under_pressure": (S.RESISTANCE, 0.13), "correction": (S.FAILED, 0.16)}
MARK_SIZE = 13  # points: a marker stays visible when the chart is shown 400 px wide


def _runs(states: np.ndarray):
    """(state, first, last) for each run of equal states."""
    start = 0
    for i in range(1, len(states) + 1):
        if i == len(states) or states[i] != states[start]:
            yield states[start], start, i - 1
            start = i


def render_market_chart(bars: pd.DataFrame, tape: pd.DataFrame, state: MarketState,
                        *, show_last: int = SHOWN_SESSIONS) -> bytes:
    """PNG bytes (1200 x 700). ``bars``: the index's daily bars up to the state's day (earlier
    bars warm up the 50-day average); ``tape``: :func:`bot.analysis.evidence.market_tape` of the
    same bars (its ``state``, ``distribution`` and ``follow_through`` columns)."""
    full = ohlcv(bars)
    sma = full["Close"].rolling(50, min_periods=50).mean()
    data = full.iloc[-show_last:]
    marks = tape.reindex(data.index)
    n = len(data)
    fig = new_figure()
    ax, axv = add_panels(fig)
    draw_candles(ax, axv, data)
    set_x_range(ax, n, right_pad=0.5)

    lo = float(np.nanmin(data["Low"].to_numpy()))
    hi = float(np.nanmax(data["High"].to_numpy()))
    span = max(hi - lo, 1e-9)
    x = np.arange(n)
    handles, labels = [], []

    y = sma.iloc[-n:].to_numpy()
    if np.isfinite(y).any():
        (line,) = ax.plot(x, y, color=S.MAV_COLORS[0], linewidth=1.8, zorder=4)
        lo, hi = min(lo, float(np.nanmin(y))), max(hi, float(np.nanmax(y)))
        handles.append(line)
        labels.append(moving_average_label(50, float(y[-1]) if np.isfinite(y[-1]) else None))

    states = marks["state"].astype(object).where(marks["state"].notna(), "").to_numpy()
    shaded = set()
    for kind, first, last in _runs(states):
        if kind in SHADES:
            colour, alpha = SHADES[kind]
            for a in (ax, axv):
                a.axvspan(first - 0.5, last + 0.5, color=colour, alpha=alpha, linewidth=0, zorder=0)
            shaded.add(kind)

    dist = np.flatnonzero(marks["distribution"].fillna(False).to_numpy(dtype=bool))
    if dist.size:
        ax.plot(dist, data["High"].to_numpy()[dist] + span * 0.035, linestyle="none", marker="v",
                markersize=MARK_SIZE, color=S.FAILED, markeredgecolor="#111214", markeredgewidth=0.8, zorder=6)
        handles.append(Line2D([], [], linestyle="none", marker="v", markersize=MARK_SIZE, color=S.FAILED,
                              markeredgecolor="#111214"))
        labels.append(DISTRIBUTION_MARK)
    ftd = np.flatnonzero(marks["follow_through"].fillna(False).to_numpy(dtype=bool))
    if ftd.size:
        ax.plot(ftd, data["Low"].to_numpy()[ftd] - span * 0.035, linestyle="none", marker="^",
                markersize=MARK_SIZE + 3, color=S.BREAKOUT, markeredgecolor="#111214", markeredgewidth=0.8, zorder=6)
        handles.append(Line2D([], [], linestyle="none", marker="^", markersize=MARK_SIZE + 3, color=S.BREAKOUT,
                              markeredgecolor="#111214"))
        labels.append(FOLLOW_THROUGH_MARK)
    for kind in ("under_pressure", "correction"):
        if kind in shaded:
            colour, alpha = SHADES[kind]
            handles.append(Patch(facecolor=colour, alpha=min(1.0, alpha * 3), edgecolor="none"))
            labels.append(SHADE_LABELS[kind])

    # the legend is one row across the top of the price panel: the prices keep clear of it
    set_price_range(ax, lo - span * 0.06, hi + span * 0.06, pad_low=0.04, pad_high=0.2)
    if handles:
        ax.legend(
            handles, labels, loc="upper left", ncol=len(handles), frameon=True, facecolor=S.BG, edgecolor=S.SPINE,
            framealpha=0.92, labelcolor=S.TEXT, handlelength=1.0, handletextpad=0.4, columnspacing=1.0,
            borderaxespad=0.3, prop={"family": S.FONT, "size": S.LEGEND_PT - 1},
        ).set_zorder(30)
    date_ticks([ax, axv], data.index)
    add_tags(ax, [last_close_tag(data)])
    add_title(fig, chart_title(state), chart_subtitle(state), as_of(data.index[-1]))
    return to_png(fig)
