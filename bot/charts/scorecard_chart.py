"""The scorecard's picture: each alert a dot on its day, in its outcome's row (held, failed,
faded, busted, still open), so a member sees the server's record at a glance on a phone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import matplotlib.dates as mdates

from bot.charts import style as S
from bot.charts.figure import add_title, new_figure, style_axes, to_png

OUTCOME_COLORS = {"held": S.BREAKOUT, "failed": S.FAILED, "faded": "#ff9f43", "busted": "#b04a4a", "pending": S.DIM}
NAMES_UP_TO = 16  # with at most this many alerts each dot carries its ticker


def render_scorecard_chart(title: str, subtitle: str, rows: Sequence[tuple[str, str]],
                           dots: Sequence[tuple[date, str, str]]) -> bytes:
    """PNG bytes (1200 x 700). ``rows``: (outcome, row label), top first; ``dots``: (alert day,
    outcome, ticker)."""
    return to_png(scorecard_figure(title, subtitle, rows, dots))


def scorecard_figure(title: str, subtitle: str, rows: Sequence[tuple[str, str]],
                     dots: Sequence[tuple[date, str, str]]):
    if not dots:
        raise ValueError("no alert to chart")
    fig = new_figure()
    add_title(fig, title, subtitle)
    ax = fig.add_axes((0.2, 0.1, 0.76, 0.74))
    style_axes(ax, right=False)
    ys = {outcome: len(rows) - 1 - k for k, (outcome, _) in enumerate(rows)}
    days = sorted({d for d, _, _ in dots})
    lo, hi = mdates.date2num(days[0]), mdates.date2num(days[-1])
    near = max(2.0, (hi - lo) * 0.05)  # closer than this on one row: the names take turns above and below
    seen: dict[tuple[date, str], int] = {}
    same_day: dict[tuple[date, str], int] = {}
    for d, outcome, _ in dots:
        same_day[(d, outcome)] = same_day.get((d, outcome), 0) + 1
    last: dict[str, tuple[float, bool]] = {}  # row -> (x of its previous dot, its name was above)
    for d, outcome, ticker in sorted(dots):
        k = seen.get((d, outcome), 0)  # alerts of one outcome on one day stack up a little
        seen[(d, outcome)] = k + 1
        y = ys.get(outcome, ys.get("pending", 0)) + 0.24 * k
        x = mdates.date2num(d)
        ax.scatter([x], [y], s=260, color=OUTCOME_COLORS.get(outcome, S.DIM), edgecolors=S.TEXT, linewidths=0.8,
                   zorder=3)
        if len(dots) <= NAMES_UP_TO and same_day[(d, outcome)] > 1:  # a stack: its names to the right
            ax.annotate(ticker, (x, y), xytext=(12, 0), textcoords="offset points", ha="left", va="center",
                        color=S.TEXT, fontsize=S.TICK_PT, fontfamily=S.FONT, zorder=4)
            last[outcome] = (x, False)
        elif len(dots) <= NAMES_UP_TO:
            prev = last.get(outcome)
            above = prev is None or x - prev[0] > near or not prev[1]
            last[outcome] = (x, above)
            ax.annotate(ticker, (x, y), xytext=(0, 13 if above else -13), textcoords="offset points", ha="center",
                        va="bottom" if above else "top", color=S.TEXT, fontsize=S.TICK_PT, fontfamily=S.FONT,
                        zorder=4)
    ax.set_yticks(list(ys.values()))
    ax.set_yticklabels([label for _, label in rows], color=S.TEXT, fontsize=S.LABEL_PT + 2, fontfamily=S.FONT)
    ax.set_ylim(-0.6, len(rows) - 0.2)
    pad = max(3.0, (hi - lo) * 0.06)
    ax.set_xlim(lo - pad, hi + pad)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    for lab in ax.get_xticklabels():
        lab.set_fontfamily(S.FONT)
    ax.grid(True, axis="x", color=S.GRID, linewidth=0.7)
    return fig
