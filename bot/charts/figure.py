"""Figure plumbing shared by every chart: a bare Agg figure, panels, candles, ticks, tags, PNG out.

Thread safety: every render owns its own ``Figure`` (never registered with pyplot), its own
``FigureCanvasAgg`` and its own copy of the mplfinance style; candles are drawn in mplfinance's
external-axes mode, which applies no rc settings. Every colour and font size is set on the artist
itself, so what another module does to the global rcParams cannot leak into a chart.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date

import matplotlib.transforms as mtransforms
import mplfinance as mpf
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, MaxNLocator, NullFormatter

from bot.charts import style as S
from bot.market.frames import OHLCV
from bot.words.charts import price_tag

# Panel rectangles in figure fractions: [left, bottom, width, height]. The right margin holds the
# y tick labels and the price tags; the top band holds the title.
_LEFT, _WIDTH = 0.03, 0.875
PRICE_RECT = (_LEFT, 0.29, _WIDTH, 0.58)
VOLUME_RECT = (_LEFT, 0.075, _WIDTH, 0.19)
FULL_RECT = (_LEFT, 0.075, _WIDTH, 0.795)
TAG_X = 1.008  # axes fraction where right-hand tags start


def new_figure() -> Figure:
    """A figure that belongs to no pyplot state machine and draws with Agg."""
    fig = Figure(figsize=S.FIGSIZE, dpi=S.DPI, facecolor=S.BG)
    FigureCanvasAgg(fig)
    return fig


def style_axes(ax, *, right: bool = True) -> None:
    ax.set_facecolor(S.PANEL_BG)
    ax.grid(True, color=S.GRID, linewidth=0.7, linestyle="-", alpha=1.0)
    ax.set_axisbelow(True)
    for side, spine in ax.spines.items():
        spine.set_color(S.SPINE)
        spine.set_visible(side in ("bottom", "right") if right else side in ("bottom", "left"))
    ax.tick_params(
        axis="both", which="both", colors=S.MUTED, labelcolor=S.MUTED, labelsize=S.TICK_PT, length=3, width=0.8
    )
    for lab in (*ax.get_xticklabels(), *ax.get_yticklabels()):
        lab.set_fontfamily(S.FONT)
    if right:
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")


def add_panels(fig: Figure, *, lower: bool = True):
    """Price (upper) axes and, when ``lower``, a lower axes sharing x. Returns (upper, lower|None)."""
    if not lower:
        ax = fig.add_axes(FULL_RECT)
        style_axes(ax)
        return ax, None
    ax = fig.add_axes(PRICE_RECT)
    low = fig.add_axes(VOLUME_RECT, sharex=ax)
    style_axes(ax)
    style_axes(low)
    return ax, low


def ohlcv(bars: pd.DataFrame) -> pd.DataFrame:
    """The five columns mplfinance needs, as floats, extras dropped."""
    missing = [c for c in OHLCV if c not in bars.columns]
    if missing:
        raise ValueError(f"bars lack columns {missing}")
    if len(bars) == 0:
        raise ValueError("no bars to chart")
    out = bars[OHLCV].astype(float)
    idx = pd.DatetimeIndex(out.index)
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    out.index = idx
    out.index.name = "Date"
    return out


def volume_bars(axv, x, height, width=0.8, *, linewidth=None, color=None, ec=None, alpha=None, **other) -> None:
    """``axv.bar(x, height, ...)`` as one collection instead of a patch a bar: the same rectangles,
    colours, edges and alpha, drawn alike, in a few ms instead of ~50 for 200 bars (each patch
    added alone recomputes the axes' data limits). mplfinance draws the volume panel through it;
    an argument this does not know (another mplfinance) takes matplotlib's own ``bar``."""
    if other:
        type(axv).bar(axv, x, height, width, linewidth=linewidth, color=color, ec=ec, alpha=alpha, **other)
        return
    x = np.asarray(x, dtype=float)
    top = np.nan_to_num(np.asarray(height, dtype=float))
    left, right = x - width / 2, x + width / 2
    zero = np.zeros_like(x)
    verts = np.stack([np.column_stack([left, zero]), np.column_stack([left, top]),
                      np.column_stack([right, top]), np.column_stack([right, zero])], axis=1)
    bars = PolyCollection(list(verts), facecolors=color, edgecolors=ec, linewidths=linewidth, alpha=alpha)
    axv.add_collection(bars, autolim=True)
    axv.autoscale_view()


def draw_candles(ax, axv, bars: pd.DataFrame, *, fast_volume: bool = True) -> None:
    """Candles on ``ax`` and volume on ``axv`` at integer x positions 0..n-1 (gaps skipped).
    ``fast_volume``: the volume bars as one collection (:func:`volume_bars`); False leaves them
    to mplfinance's ``bar`` (the plain path, for the test that shows both draw the same picture)."""
    if fast_volume:
        axv.bar = lambda *a, **k: volume_bars(axv, *a, **k)  # mplfinance's one call for the volume
    try:
        mpf.plot(
            bars,
            ax=ax,
            volume=axv,
            type="candle",
            style=S.mpf_style(),
            xrotation=0,
            warn_too_much_data=10**9,
            ylabel="",
            ylabel_lower="",
        )
    finally:
        axv.__dict__.pop("bar", None)
    ax.set_ylabel("")
    axv.set_ylabel("")
    axv.set_ylim(0, float(np.nanmax(bars["Volume"].to_numpy())) * 1.12 or 1.0)
    axv.yaxis.set_major_locator(MaxNLocator(nbins=2, min_n_ticks=1))
    axv.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_volume(v)))
    axv.text(
        0.006, 0.93, "Volume", transform=axv.transAxes, ha="left", va="top",
        fontsize=S.TICK_PT - 1, color=S.DIM, fontfamily=S.FONT,
    )
    for lab in ax.get_xticklabels():
        lab.set_visible(False)
    ax.tick_params(axis="x", labelbottom=False)
    ax.xaxis.set_major_formatter(NullFormatter())


def set_x_range(ax, n: int, *, right_pad: float = 0.0) -> None:
    ax.set_xlim(-0.8, n - 0.2 + right_pad)


def set_price_range(ax, lo: float, hi: float, *, pad_low: float = 0.05, pad_high: float = 0.08) -> None:
    span = max(hi - lo, abs(hi) * 0.01, 1e-9)
    ax.set_ylim(lo - span * pad_low, hi + span * pad_high)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=7, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_axis_price(v)))


def date_ticks(axes, index: pd.Index, *, max_ticks: int = 8) -> None:
    """Put x ticks on month starts (every 1/2/3/6/12 months, whatever fits) and label them.

    x is the bar position, so the labels come from ``index``. January ticks (and the first tick)
    carry the year. Spans too short for month ticks fall back to evenly spaced day labels.
    """
    index = pd.DatetimeIndex(index)
    n = len(index)
    months = index.year * 12 + index.month - 1
    starts = [i for i in range(n) if i == 0 or months[i] != months[i - 1]]
    if starts and starts[0] == 0 and index[0].day > 7:
        starts = starts[1:]
    positions: list[int] = []
    labels: list[str] = []
    if len(starts) >= 3:
        for step in (1, 2, 3, 6, 12, 24, 60):
            picked = [i for i in starts if months[i] % step == 0]
            if len(picked) <= max_ticks:
                break
        positions = picked
        for k, i in enumerate(positions):
            d = index[i]
            if step >= 12:
                labels.append(f"{d.year}")
            elif d.month == 1 or k == 0:
                labels.append(d.strftime("%b '%y"))
            else:
                labels.append(d.strftime("%b"))
    else:
        every = max(1, math.ceil(n / max_ticks))
        positions = list(range(0, n, every))
        labels = [index[i].strftime("%b %d") for i in positions]
    for a in axes:
        a.xaxis.set_major_locator(FixedLocator(positions))
    bottom = axes[-1]
    bottom.xaxis.set_major_formatter(FixedFormatter(labels))
    bottom.tick_params(axis="x", labelbottom=True, labelsize=S.TICK_PT, labelcolor=S.MUTED)


def bar_position(index: pd.Index, when: date | pd.Timestamp) -> int | None:
    """Position of the bar whose period contains ``when``, or None when it is outside the bars.

    Daily bars: the bar of that day (or the last bar before it, for a non-trading day).
    Weekly bars labelled by their period end (``W-FRI``, or the week's last trading day): the
    first bar dated on or after ``when``. Weekly bars labelled by their Monday: the last bar
    dated on or before ``when``.
    """
    index = pd.DatetimeIndex(index)
    if len(index) == 0:
        return None
    ts = pd.Timestamp(when).normalize()
    exact = index.get_indexer(pd.DatetimeIndex([ts]))[0]
    if exact >= 0:
        return int(exact)
    if ts < index[0] - pd.Timedelta(days=7) or ts > index[-1] + pd.Timedelta(days=7):
        return None
    spacing = (index[-1] - index[0]).days / max(len(index) - 1, 1)
    weekly = spacing >= 4
    if weekly and not (index.day_of_week == 0).all():
        pos = int(index.searchsorted(ts, side="left"))
        if pos >= len(index):
            return None
        return pos
    pos = int(index.searchsorted(ts, side="right")) - 1
    if pos < 0:
        return None
    if not weekly and ts > index[-1]:
        return None
    return pos


@dataclass(frozen=True)
class Tag:
    """A price label in the right margin, like a trading terminal's axis tag."""

    y: float
    text: str
    color: str
    text_color: str = "#111214"


def add_tags(ax, tags: list[Tag]) -> None:
    """Draw ``tags`` at the right edge, nudged apart so none overlap, and drop y tick labels they hide."""
    if not tags:
        return
    fig = ax.figure
    h = S.TAG_PT * fig.dpi / 72.0 * 1.7  # tag height in pixels, plus a small gap
    to_px = ax.transData.transform
    y0_px, y1_px = ax.transAxes.transform([(0, 0), (0, 1)])[:, 1]
    order = sorted(range(len(tags)), key=lambda i: tags[i].y)
    ys = [float(to_px((0, tags[i].y))[1]) for i in order]
    for k in range(1, len(ys)):
        ys[k] = max(ys[k], ys[k - 1] + h)
    if ys and ys[-1] > y1_px - h / 2:
        ys[-1] = y1_px - h / 2
        for k in range(len(ys) - 2, -1, -1):
            ys[k] = min(ys[k], ys[k + 1] - h)
    if ys and ys[0] < y0_px + h / 2:
        shift = y0_px + h / 2 - ys[0]
        ys = [y + shift for y in ys]
    inv = ax.transData.inverted()
    trans = mtransforms.blended_transform_factory(ax.transAxes, ax.transData)
    made = []
    for k, i in enumerate(order):
        tag = tags[i]
        y_data = float(inv.transform((0, ys[k]))[1])
        made.append(ax.text(
            TAG_X, y_data, tag.text, transform=trans, ha="left", va="center", clip_on=False, zorder=20,
            fontsize=S.TAG_PT, fontweight="bold", color=tag.text_color, fontfamily=S.FONT,
            bbox=dict(boxstyle="round,pad=0.28", facecolor=tag.color, edgecolor=tag.color, linewidth=0.8),
        ))
    _fit_right_margin(fig, ax, made)
    # Hide the y tick labels a tag would cover (the tag states the price more precisely anyway).
    lo, hi = ax.get_ylim()
    ticks = [t for t in ax.yaxis.get_majorticklocs() if lo <= t <= hi]
    keep = [t for t in ticks if all(abs(float(to_px((0, t))[1]) - y) > h * 0.85 for y in ys)]
    ax.yaxis.set_major_locator(FixedLocator(keep))


def _fit_right_margin(fig: Figure, ax, labels) -> None:
    """Narrow every panel when the widest tag would run off the right edge (e.g. "R 3,236.37")."""
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        raise TypeError("a chart's figure draws with Agg (new_figure)")
    renderer = canvas.get_renderer()
    pad = S.TAG_PT * fig.dpi / 72.0 * 0.28
    widest = max(t.get_window_extent(renderer).width for t in labels) + 2 * pad
    fig_w = fig.bbox.width
    x1 = ax.get_position().x1 * fig_w
    need = (TAG_X - 1.0) * ax.bbox.width + widest + 6.0
    over = need - (fig_w - x1)
    if over <= 0:
        return
    shrink = over / fig_w
    for a in fig.axes:
        p = a.get_position()
        a.set_position((p.x0, p.y0, p.width - shrink, p.height))


def add_title(fig: Figure, title: str, subtitle: str = "", right: str = "") -> None:
    fig.text(0.02, 0.955, title, ha="left", va="center", fontsize=S.TITLE_PT, fontweight="bold",
             color=S.TEXT, fontfamily=S.FONT)
    if subtitle:
        fig.text(0.02, 0.905, subtitle, ha="left", va="center", fontsize=S.SUBTITLE_PT, color=S.MUTED,
                 fontfamily=S.FONT)
    if right:
        fig.text(0.985, 0.955, right, ha="right", va="center", fontsize=S.SUBTITLE_PT, color=S.MUTED,
                 fontfamily=S.FONT)


def to_png(fig: Figure) -> bytes:
    """Encode the figure as PNG. No timestamp or software tag, so equal figures give equal bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=S.DPI, facecolor=S.BG, edgecolor="none", metadata={"Software": None})
    return buf.getvalue()


def last_close_tag(bars: pd.DataFrame) -> Tag:
    closes = bars["Close"].to_numpy()
    last = float(closes[-1])
    up = len(closes) < 2 or last >= float(closes[-2])
    return Tag(last, price_tag(last), S.UP if up else S.DOWN, "#ffffff")


def fmt_axis_price(p: float) -> str:
    if abs(p) >= 1000:
        return f"{p:,.0f}"
    if abs(p) >= 10:
        return f"{p:.0f}" if float(p).is_integer() else f"{p:.1f}"
    return f"{p:.2f}"


def fmt_volume(v: float) -> str:
    if v <= 0:
        return "0"
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= div:
            x = v / div
            return f"{x:.0f}{suffix}" if x >= 10 else f"{x:.1f}{suffix}"
    return f"{v:.0f}"
