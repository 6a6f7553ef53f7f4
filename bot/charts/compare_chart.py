"""The `!compare` chart: % change of each ticker from a common start, and the ratio of the first
ticker to the second (normalised to 1) in a lower panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.analysis.models import Comparison
from bot.charts import style as S
from bot.charts.figure import Tag, add_panels, add_tags, add_title, date_ticks, new_figure, to_png
from bot.words.charts import COMPARE_CORNER, compare_subtitle, compare_title, ratio_label, return_label, return_tag


def render_compare_chart(comparison: Comparison) -> bytes:
    """PNG bytes (1200 x 700): one % change line per ticker; ratio panel when ``comparison.ratio``."""
    return to_png(compare_chart_figure(comparison))


def compare_chart_figure(comparison: Comparison) -> Figure:
    """The figure behind :func:`render_compare_chart`."""
    norm = comparison.normalized
    tickers = [t for t in comparison.tickers if norm is not None and t in norm.columns]
    if norm is None or norm.empty or not tickers:
        raise ValueError("comparison has no normalized prices to chart")
    norm = norm[tickers].astype(float)
    index = pd.DatetimeIndex(norm.index)
    n = len(index)
    x = np.arange(n)
    ratio = comparison.ratio
    fig = new_figure()
    ax, axr = add_panels(fig, lower=ratio is not None and len(ratio) > 0)

    pct = (norm - 1.0) * 100.0
    ax.axhline(0.0, color=S.DIM, linewidth=1.0, zorder=1)
    colors = {t: S.SERIES[i % len(S.SERIES)] for i, t in enumerate(tickers)}
    final = {t: _final_return(comparison, pct, t) for t in tickers}
    width = 2.6 if len(tickers) <= 3 else 2.0
    lines = {}
    for t in tickers:
        (lines[t],) = ax.plot(x, pct[t].to_numpy(), color=colors[t], linewidth=width, zorder=3,
                              solid_capstyle="round")
    ax.set_xlim(-0.5, n - 0.5 + max(1.0, n * 0.01))
    lo, hi = float(np.nanmin(pct.to_numpy())), float(np.nanmax(pct.to_numpy()))
    span = max(hi - lo, 1.0)
    ax.set_ylim(min(lo, 0.0) - span * 0.06, max(hi, 0.0) + span * 0.08)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:+.0f}%" if v else "0%"))

    # Legend ordered best to worst, so the ranking reads top-down.
    ranked = sorted(tickers, key=lambda t: -final[t])
    leg = ax.legend(
        [lines[t] for t in ranked],
        [return_label(t, final[t]) for t in ranked],
        loc="best", frameon=True, facecolor=S.BG, edgecolor=S.SPINE,
        framealpha=0.92, labelcolor=S.TEXT, ncol=1 if len(tickers) <= 4 else 2, handlelength=1.6,
        borderpad=0.5, prop={"family": S.FONT, "size": S.LEGEND_PT, "weight": "bold"},
    )
    leg.set_zorder(30)
    add_tags(ax, [Tag(float(pct[t].dropna().iloc[-1]), return_tag(final[t]), colors[t]) for t in tickers])

    axes = [ax]
    if axr is not None and ratio is not None:  # (the ratio's panel is there when the ratio is)
        _draw_ratio(axr, ratio, index, tickers)
        axes.append(axr)
        ax.tick_params(axis="x", labelbottom=False)
    date_ticks(axes, index)

    add_title(fig, compare_title(tickers, comparison.period), compare_subtitle(comparison.start, comparison.end),
              COMPARE_CORNER)
    return fig


def _final_return(comparison: Comparison, pct: pd.DataFrame, ticker: str) -> float:
    r = comparison.returns.get(ticker)
    return float(r) if r is not None else float(pct[ticker].dropna().iloc[-1])


def _draw_ratio(ax, ratio: pd.Series, index: pd.DatetimeIndex, tickers: list[str]) -> None:
    r = ratio.reindex(index).astype(float).to_numpy()
    x = np.arange(len(index))
    ax.axhline(1.0, color=S.DIM, linewidth=1.0, zorder=1)
    ax.plot(x, r, color=S.NOTE, linewidth=2.0, zorder=3)
    above = np.where(np.isfinite(r), r >= 1.0, False)
    ax.fill_between(x, r, 1.0, where=above, color=S.UP, alpha=0.2, linewidth=0, interpolate=True)
    ax.fill_between(x, r, 1.0, where=~above & np.isfinite(r), color=S.DOWN, alpha=0.2, linewidth=0,
                    interpolate=True)
    lo, hi = float(np.nanmin(r)), float(np.nanmax(r))
    lo, hi = min(lo, 1.0), max(hi, 1.0)
    span = max(hi - lo, 0.01)
    ax.set_ylim(lo - span * 0.12, hi + span * 0.45)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10], prune="upper"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:.2f}"))
    last = r[np.isfinite(r)][-1] if np.isfinite(r).any() else float("nan")
    ax.text(0.006, 0.93, ratio_label(tickers, last), transform=ax.transAxes, ha="left", va="top",
            fontsize=S.TICK_PT, fontweight="bold", color=S.MUTED, fontfamily=S.FONT, zorder=10,
            bbox=dict(boxstyle="round,pad=0.2", facecolor=S.PANEL_BG, edgecolor="none", alpha=0.85))
