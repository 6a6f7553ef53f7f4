"""The `setups` picture: a grid of small base charts, one tile per ticker (up to 12), made to be
read on a phone (the image is 960 px wide and stays legible shown at 400 px).

Each tile: the closes as a line coloured by status, the resistance zone and line, the support
line; on top the ticker and status, the level and distance, the tests and the base's length. Fast (lines, no
candles): a grid renders in a fraction of a second. Same rules as every chart: its own Figure,
no pyplot, every style set on the artist.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bot.analysis.models import BaseResult
from bot.charts import style as S
from bot.charts.figure import bar_position, new_figure, to_png

TILE_W, TILE_H = 3.2, 2.75  # inches at S.DPI: 320 x 275 px per tile, three across
HEADER_H = 0.85  # inches above the tiles for the title
TILE_TITLE_PT = 20
TILE_SUB_PT = 17
TILE_DETAIL_PT = 15
GRID_TITLE_PT = 19
GRID_SUB_PT = 14
STATUS_COLOUR = {"breakout": S.BREAKOUT, "failed": S.FAILED, "faded": S.FAILED, "testing": S.RESISTANCE,
                 "pressing": S.RESISTANCE, "in_base": S.SUPPORT, "no_base": S.MUTED}


@dataclass(frozen=True)
class GridTile:
    bars: pd.DataFrame  # OHLCV bars of the chart window (chart_window)
    result: BaseResult
    title: str  # 'IWM  testing'
    subtitle: str  # '199.26 · -1.1%'
    detail: str = ""  # '4th test · 1.7-year base'


def columns_for(n: int) -> int:
    return 1 if n == 1 else 2 if n <= 4 else 3


def render_setups_grid(tiles: Sequence[GridTile], *, title: str, subtitle: str) -> bytes:
    """PNG bytes of the grid (960 px wide for 3 columns)."""
    return to_png(setups_grid_figure(tiles, title=title, subtitle=subtitle))


def setups_grid_figure(tiles: Sequence[GridTile], *, title: str, subtitle: str) -> Figure:
    if not tiles:
        raise ValueError("no tiles to draw")
    cols = columns_for(len(tiles))
    rows = math.ceil(len(tiles) / cols)
    width, height = max(cols, 2) * TILE_W, rows * TILE_H + HEADER_H
    fig = new_figure()
    fig.set_size_inches(width, height)
    top = HEADER_H / height
    fig.text(0.015, 1 - 0.22 / height, title, ha="left", va="top", fontsize=GRID_TITLE_PT, fontweight="bold",
             color=S.TEXT, fontfamily=S.FONT)
    fig.text(0.015, 1 - 0.58 / height, subtitle, ha="left", va="top", fontsize=GRID_SUB_PT, color=S.MUTED,
             fontfamily=S.FONT)
    cell_w, cell_h = 1.0 / max(cols, 2), (1.0 - top) / rows
    for k, tile in enumerate(tiles):
        r, c = divmod(k, cols)
        x0, y0 = c * cell_w, 1.0 - top - (r + 1) * cell_h
        # The plot sits under three text lines (title, subtitle, detail) inside the cell.
        ax = fig.add_axes((x0 + 0.012, y0 + 0.04 * cell_h, cell_w - 0.024, cell_h * 0.53))
        _draw_tile(fig, ax, tile, (x0, y0, cell_w, cell_h))
    return fig


def _draw_tile(fig: Figure, ax, tile: GridTile, cell: tuple[float, float, float, float]) -> None:
    x0, y0, w, h = cell
    result = tile.result
    colour = STATUS_COLOUR.get(result.status, S.TEXT)
    fig.text(x0 + 0.014, y0 + h * 0.955, tile.title, ha="left", va="top", fontsize=TILE_TITLE_PT,
             fontweight="bold", color=colour, fontfamily=S.FONT)
    fig.text(x0 + 0.014, y0 + h * 0.815, tile.subtitle, ha="left", va="top", fontsize=TILE_SUB_PT, color=S.TEXT,
             fontfamily=S.FONT)
    if tile.detail:
        fig.text(x0 + 0.014, y0 + h * 0.70, tile.detail, ha="left", va="top", fontsize=TILE_DETAIL_PT, color=S.MUTED,
                 fontfamily=S.FONT)

    bars = tile.bars
    close = bars["Close"].to_numpy(dtype=float)
    n = len(close)
    xs = np.arange(n)
    ax.set_facecolor(S.PANEL_BG)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks([])
    ax.set_yticks([])
    lo, hi = float(np.nanmin(bars["Low"].to_numpy(dtype=float))), float(np.nanmax(bars["High"].to_numpy(dtype=float)))
    if result.has_base:
        res, sup = result.base_levels()
        start = bar_position(bars.index, result.start) if result.start is not None else None
        bx = 0 if start is None else start
        lo, hi = min(lo, sup.level), max(hi, res.zone_high)
        ax.axhspan(res.zone_low, res.zone_high, xmin=bx / max(n, 1), color=S.RESISTANCE, alpha=0.22, lw=0)
        ax.hlines(res.level, bx, n - 1, colors=S.RESISTANCE, linewidths=2.4, zorder=3)
        ax.hlines(sup.level, bx, n - 1, colors=S.SUPPORT, linewidths=1.6, linestyles=(0, (4, 2)), zorder=3)
    ax.plot(xs, close, color=colour if result.status != "in_base" else S.TEXT, linewidth=2.0, zorder=4)
    ax.plot([n - 1], [close[-1]], marker="o", markersize=6, color=colour, zorder=5)
    pad = (hi - lo) * 0.06 or abs(hi) * 0.01 or 1.0
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlim(-0.5, n - 0.5)
