"""The outcome distribution of past breakouts (``odds`` and ``study --out``): per group, how the
breakouts ended (held / failed / faded / busted, stacked) and the spread of their 20-session
returns (10th–90th percentile whiskers, 25th–75th box, median) against the baseline's."""

from __future__ import annotations

from bot.charts import style as S
from bot.charts.figure import add_title, new_figure, style_axes, to_png
from bot.words.study import group_name, odds_chart_subtitle, odds_chart_title

OUTCOME_COLORS = (("held", S.BREAKOUT), ("failed", S.FAILED), ("faded", "#ff9f43"), ("busted", "#b04a4a"))


def render_odds_chart(table: dict, keys: list[str]) -> bytes:
    """PNG bytes (1200 x 700) of the groups ``keys`` of one universe's table."""
    return to_png(odds_chart_figure(table, keys))


def odds_chart_figure(table: dict, keys: list[str]):
    groups = [(k, table["groups"][k]["all"]) for k in keys if k in table["groups"]]
    if not groups:
        raise ValueError("no group of the table to chart")
    fig = new_figure()
    add_title(fig, odds_chart_title(table), odds_chart_subtitle(table))
    left = fig.add_axes((0.25, 0.09, 0.36, 0.72))
    right = fig.add_axes((0.64, 0.09, 0.33, 0.72), sharey=left)
    style_axes(left, right=False)
    style_axes(right, right=False)
    rows = list(range(len(groups)))[::-1]  # the first group on top
    labels = []
    for y, (key, g) in zip(rows, groups):
        outs = g["outcomes"]
        done = sum(outs.get(k, 0) for k, _ in OUTCOME_COLORS)
        x = 0.0
        for name, color in OUTCOME_COLORS:
            share = 100.0 * outs.get(name, 0) / done if done else 0.0
            left.barh(y, share, left=x, color=color, height=0.62, label=name if y == rows[0] else None)
            if share >= 9:
                left.text(x + share / 2, y, f"{share:.0f}%", ha="center", va="center", color=S.TEXT,
                          fontsize=S.TICK_PT, fontfamily=S.FONT)
            x += share
        labels.append(f"{group_name(key)}  ({g['n']:,})")
        q = g.get("r20_quantiles")
        if q:
            _box(right, y, q, S.SERIES[0])
    base_q = table["baseline"]["all"].get("r20_quantiles")
    if base_q:
        for v in (base_q[2],):
            right.axvline(v, color=S.DIM, linewidth=1.2, linestyle="--")
        right.text(0.5, 1.01, "dashed: every day's median", transform=right.transAxes, color=S.MUTED,
                   fontsize=S.TICK_PT, va="bottom", ha="center", fontfamily=S.FONT)
    left.set_yticks(rows)
    left.set_yticklabels(labels, color=S.TEXT, fontsize=S.TICK_PT + 1, fontfamily=S.FONT)
    left.set_xlim(0, 100)
    left.set_ylim(-0.6, len(groups) - 0.2)
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
