"""The `!base` chart: candles and volume, the base shaded between support and resistance,
numbered resistance tests, level and last-close tags, breakout / failed-breakout markers."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.patches as mpatches
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bot.analysis.levels import Levels, levels_of_result
from bot.analysis.models import BaseResult, Marker
from bot.charts import style as S
from bot.charts.figure import (
    Tag,
    add_panels,
    add_tags,
    add_title,
    bar_position,
    date_ticks,
    draw_candles,
    last_close_tag,
    new_figure,
    ohlcv,
    set_price_range,
    set_x_range,
    to_png,
)
from bot.words.charts import (
    as_of,
    base_subtitle,
    base_title,
    buy_range_tag,
    invalidation_tag,
    major_tag,
    resistance_tag,
    support_tag,
)

_MARKER_COLOR = {"breakout": S.BREAKOUT, "failed": S.FAILED, "faded": S.FAILED, "busted": S.FAILED, "testing": S.RESISTANCE,
                 "note": S.NOTE}
_MARKER_BELOW = {"breakout"}  # arrow from below pointing up; the others point down from above


def render_base_chart(
    bars: pd.DataFrame,
    base: BaseResult,
    *,
    ticker: str,
    timeframe: str,
    markers: Sequence[Marker] = (),
) -> bytes:
    """PNG bytes (1200 x 700) of ``bars`` with ``base`` drawn on top. Extra bar columns are ignored."""
    return to_png(base_chart_figure(bars, base, ticker=ticker, timeframe=timeframe, markers=markers))


def base_chart_figure(
    bars: pd.DataFrame,
    base: BaseResult,
    *,
    ticker: str,
    timeframe: str,
    markers: Sequence[Marker] = (),
) -> Figure:
    """The figure behind :func:`render_base_chart` (for tests and for callers that want SVG etc.)."""
    data = ohlcv(bars)
    n = len(data)
    fig = new_figure()
    ax, axv = add_panels(fig)
    draw_candles(ax, axv, data)
    set_x_range(ax, n, right_pad=1.0)

    lo = float(np.nanmin(data["Low"].to_numpy()))
    hi = float(np.nanmax(data["High"].to_numpy()))
    has_levels = base.status != "no_base" and base.has_base
    trade = _trade_levels(base) if has_levels else None
    if has_levels:
        resistance, support = base.base_levels()
        lo = min(lo, support.zone_low)
        hi = max(hi, resistance.zone_high)
    if trade is not None:
        lo, hi = min(lo, trade.invalidation), max(hi, trade.buy_top)
    wanted_below = any(m.kind in _MARKER_BELOW for m in markers)
    set_price_range(ax, lo, hi, pad_low=0.12 if wanted_below else 0.05, pad_high=0.12)

    major = base.major if has_levels else None
    major_level = major.base_levels()[0] if major is not None else None
    major_on_chart = major_level is not None and major_level.level <= hi * 1.08
    if major_level is not None and major_on_chart:
        set_price_range(ax, lo, max(hi, major_level.zone_high), pad_low=0.12 if wanted_below else 0.05,
                        pad_high=0.12)
    tags = [last_close_tag(data)]
    if has_levels:
        tags += _draw_base(ax, data, base)
    if trade is not None:
        tags += _draw_trade_levels(ax, data, base, trade)
    if major is not None and major_on_chart:
        tags.append(_draw_major(ax, data, major))
    _draw_markers(ax, data, markers)
    date_ticks([ax, axv], data.index)
    add_tags(ax, tags)

    add_title(
        fig,
        base_title(ticker, timeframe, base.status),
        base_subtitle(base, has_levels),
        as_of(base.last_date or data.index[-1]),
    )
    return fig


def _draw_base(ax, data: pd.DataFrame, base: BaseResult) -> list[Tag]:
    n = len(data)
    r, s = base.base_levels()
    start = bar_position(data.index, base.start) if base.start is not None else None
    if start is None:
        start = 0 if base.start is None or pd.Timestamp(base.start) < data.index[0] else n - 1
    x0, x1 = start - 0.5, n - 0.5
    width = x1 - x0
    # The base body, then the two zones a little stronger; patches, since mplfinance's
    # fill_between is ignored in external-axes mode.
    ax.add_patch(mpatches.Rectangle((x0, s.level), width, r.level - s.level, facecolor=S.BASE_FILL,
                                    alpha=0.10, edgecolor="none", zorder=0.5))
    ax.add_patch(mpatches.Rectangle((x0, r.zone_low), width, r.zone_high - r.zone_low,
                                    facecolor=S.RESISTANCE, alpha=0.16, edgecolor="none", zorder=0.6))
    ax.add_patch(mpatches.Rectangle((x0, s.zone_low), width, s.zone_high - s.zone_low,
                                    facecolor=S.SUPPORT, alpha=0.16, edgecolor="none", zorder=0.6))
    ax.hlines(r.level, x0, x1 + 0.5, colors=S.RESISTANCE, linewidths=1.8, zorder=3)
    ax.hlines(s.level, x0, x1 + 0.5, colors=S.SUPPORT, linewidths=1.8, zorder=3)

    highs = data["High"].to_numpy()
    for k, test in enumerate(base.tests, start=1):
        pos = bar_position(data.index, test.date)
        if pos is None:
            continue
        top = max(float(highs[pos]), float(test.high))
        ax.annotate(
            str(k), xy=(pos, top), xytext=(0, 15), textcoords="offset points", ha="center", va="center",
            fontsize=S.LABEL_PT, fontweight="bold", color="#111214", fontfamily=S.FONT, zorder=15,
            bbox=dict(boxstyle="circle,pad=0.25", facecolor=S.RESISTANCE, edgecolor="#111214", linewidth=0.8),
        )
    return [
        Tag(r.level, resistance_tag(r.level), S.RESISTANCE),
        Tag(s.level, support_tag(s.level), S.SUPPORT),
    ]


# the buy range and the invalidation are drawn while they are news: a test, a close pressing the
# line or a breakout, or a close within this many % under the line
_LEVELS_NEAR_PCT = 5.0
_LEVELS_BARS = 12  # the band spans at least the last this many bars (from the breakout bar when earlier)


def _trade_levels(base: BaseResult) -> Levels | None:
    lv = levels_of_result(base)
    if lv is None or base.status in ("failed", "faded"):
        return None
    if base.status in ("testing", "pressing", "breakout") or lv.close >= lv.line * (1 - _LEVELS_NEAR_PCT / 100):
        return lv
    return None


def _draw_trade_levels(ax, data: pd.DataFrame, base: BaseResult, lv: Levels) -> list[Tag]:
    """The buy range as a green band from the breakout line up, and the invalidation as a red
    dashed line, from the breakout bar (or the last few bars) to the right edge."""
    n = len(data)
    start = bar_position(data.index, base.breakout_date) if base.breakout_date is not None else None
    x0 = min(start if start is not None else n, max(0, n - _LEVELS_BARS)) - 0.5
    x1 = n + 0.5
    ax.add_patch(mpatches.Rectangle((x0, lv.line), x1 - x0, lv.buy_top - lv.line, facecolor=S.BREAKOUT,
                                    alpha=0.22, edgecolor=S.BREAKOUT, linewidth=1.2, zorder=0.7))
    ax.hlines(lv.invalidation, x0, x1, colors=S.FAILED, linewidths=2.4, linestyles=(0, (5, 3)), zorder=3)
    return [Tag(lv.buy_top, buy_range_tag(lv.buy_top), S.BREAKOUT),
            Tag(lv.invalidation, invalidation_tag(lv.invalidation), S.FAILED)]


def _draw_major(ax, data: pd.DataFrame, major: BaseResult) -> Tag:
    """The major base's resistance: a dashed line from its start (or the left edge)."""
    n = len(data)
    start = bar_position(data.index, major.start) if major.start is not None else None
    x0 = (start if start is not None else 0) - 0.5
    r, _ = major.base_levels()
    ax.hlines(r.level, x0, n, colors=S.MAJOR, linewidths=1.6, linestyles=(0, (6, 3)), zorder=3)
    return Tag(r.level, major_tag(r.level), S.MAJOR)


def _draw_markers(ax, data: pd.DataFrame, markers: Sequence[Marker]) -> None:
    n = len(data)
    lows = data["Low"].to_numpy()
    highs = data["High"].to_numpy()
    for m in markers:
        pos = bar_position(data.index, m.date)
        if pos is None:
            continue
        color = _MARKER_COLOR.get(m.kind, S.NOTE)
        below = m.kind in _MARKER_BELOW
        y = float(lows[pos]) if below else float(highs[pos])
        # Near an edge the label leans inwards so it stays inside the panel.
        dx, ha = (10, "right") if pos > 0.94 * n else (-10, "left") if pos < 0.06 * n else (0, "center")
        ax.annotate(
            m.label, xy=(pos, y), xytext=(dx, -40 if below else 40), textcoords="offset points",
            ha=ha, va="top" if below else "bottom", fontsize=S.LABEL_PT, fontweight="bold",
            color=color, fontfamily=S.FONT, zorder=16,
            arrowprops=dict(arrowstyle="-|>", color=color, linewidth=2.0, shrinkA=2, shrinkB=4, mutation_scale=16,
                            relpos=({"right": 0.92, "left": 0.08}.get(ha, 0.5), 1.0 if below else 0.0)),
            bbox=dict(boxstyle="round,pad=0.25", facecolor=S.PANEL_BG, edgecolor=color, linewidth=1.0, alpha=0.9),
        )
