"""The outcome distribution of past breakouts (``odds`` and ``study --out``): per group, how the
breakouts ended (held / failed / faded / busted, stacked) and the spread of their 20-session
returns (10th–90th percentile whiskers, 25th–75th box, median) against every day's median."""

from __future__ import annotations

from collections.abc import Sequence

from bot.charts import style as S
from bot.charts.figure import add_title, new_figure, style_axes, to_png

OUTCOME_COLORS = (("held", S.BREAKOUT), ("failed", S.FAILED), ("faded", "#ff9f43"), ("busted", "#b04a4a"))


def render_odds_chart(title: str, subtitle: str, rows: Sequence[tuple[str, dict]], baseline_median: float | None) -> bytes:
    """PNG bytes (1200 x 700): one row per (label, group summary of bot.analysis.study.stats)."""
    return to_png(odds_chart_figure(title, subtitle, rows, baseline_median))


def odds_chart_figure(title: str, subtitle: str, rows: Sequence[tuple[str, dict]], baseline_median: float | None):
    if not rows:
        raise ValueError("no group to chart")
    fig = new_figure()
    add_title(fig, title, subtitle)
    left = fig.add_axes((0.27, 0.09, 0.34, 0.72))
    right = fig.add_axes((0.64, 0.09, 0.33, 0.72), sharey=left)
    style_axes(left, right=False)
    style_axes(right, right=False)
    ys = list(range(len(rows)))[::-1]  # the first row on top
    for y, (_, g) in zip(ys, rows):
        outs = g["outcomes"]
        done = sum(outs.get(k, 0) for k, _ in OUTCOME_COLORS)
        x = 0.0
        for name, color in OUTCOME_COLORS:
            share = 100.0 * outs.get(name, 0) / done if done else 0.0
            left.barh(y, share, left=x, color=color, height=0.62, label=name if y == ys[0] else None)
            if share >= 9:
                left.text(x + share / 2, y, f"{share:.0f}%", ha="center", va="center", color=S.TEXT,
                          fontsize=S.TICK_PT, fontfamily=S.FONT)
            x += share
        q = g.get("r20_quantiles")
        if q:
            _box(right, y, q, S.SERIES[0])
    if baseline_median is not None:
        right.axvline(baseline_median, color=S.DIM, linewidth=1.2, linestyle="--")
        right.text(0.5, 1.01, "dashed: every day's median", transform=right.transAxes, color=S.MUTED,
                   fontsize=S.TICK_PT, va="bottom", ha="center", fontfamily=S.FONT)
    left.set_yticks(ys)
    left.set_yticklabels([label for label, _ in rows], color=S.TEXT, fontsize=S.TICK_PT + 1, fontfamily=S.FONT)
    left.set_xlim(0, 100)
    left.set_ylim(-0.6, len(rows) - 0.4)
    left.set_xlabel("how they ended (%)", color=S.MUTED, fontfamily=S.FONT)
    left.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, frameon=False, labelcolor=S.TEXT,
                fontsize=S.TICK_PT)
    right.axvline(0.0, color=S.SPINE, linewidth=1.0)
    right.set_xlabel("return 20 sessions later (%)", color=S.MUTED, fontfamily=S.FONT)
    right.tick_params(labelleft=False)
    return fig


def _box(ax, y: float, q: list[float], color: str) -> None:
    p10, p25, p50, p75, p90 = q
    ax.plot([p10, p90], [y, y], color=color, linewidth=1.4)
    ax.barh(y, p75 - p25, left=p25, height=0.5, color=color, alpha=0.45, edgecolor=color)
    ax.plot([p50, p50], [y - 0.25, y + 0.25], color=S.TEXT, linewidth=2.0)
