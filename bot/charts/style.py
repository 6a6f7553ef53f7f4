"""The one chart look: dark, made to sit inside Discord's dark theme and stay legible on a phone.

Nothing here touches matplotlib's global rcParams. Colours and sizes are plain constants that the
figure helpers set on each artist; ``MPF_STYLE`` only carries the candle/volume colours that
``mpf.plot`` reads in external-axes mode (it applies no rc settings in that mode).
"""

from __future__ import annotations

import copy

import mplfinance as mpf

# Canvas: 1200 x 700 px.
FIGSIZE = (12.0, 7.0)
DPI = 100

# Discord dark theme: embed background #2b2d31, chat #313338, darkest #1e1f22.
BG = "#2b2d31"
PANEL_BG = "#232428"
GRID = "#3a3c42"
SPINE = "#4e5058"
TEXT = "#f2f3f5"
MUTED = "#b5bac1"
DIM = "#80848e"

UP = "#26a69a"
DOWN = "#ef5350"

RESISTANCE = "#f0b232"
SUPPORT = "#4aa3ff"
MAJOR = "#e86ad6"  # the major base's resistance (a higher, older ceiling): dashed
BASE_FILL = "#5865f2"
BREAKOUT = "#3ba55d"
FAILED = "#ff5c5c"
NOTE = "#c9cdfb"

# Lines of the compare chart and moving averages, picked to stay distinct on the dark panel.
SERIES = ("#4aa3ff", "#f0b232", "#3ba55d", "#ff6b8b", "#b48cff", "#40d4c8", "#ff9f43", "#e0e0e0")
MAV_COLORS = ("#4aa3ff", "#f0b232", "#b48cff", "#ff9f43")

FONT = "DejaVu Sans"  # ships with matplotlib, so every machine renders the same glyphs
TITLE_PT = 22
SUBTITLE_PT = 14
TICK_PT = 13
TAG_PT = 13
LABEL_PT = 13
LEGEND_PT = 14

_MARKETCOLORS = mpf.make_marketcolors(
    up=UP,
    down=DOWN,
    edge="inherit",
    wick="inherit",
    volume={"up": UP, "down": DOWN},
    alpha=1.0,
)
# Volume bar edges follow the bar colour (the default style would outline them in blue).
_MARKETCOLORS["vcedge"] = {"up": UP, "down": DOWN}
_MPF_STYLE = mpf.make_mpf_style(
    base_mpf_style="nightclouds",
    marketcolors=_MARKETCOLORS,
    facecolor=PANEL_BG,
    y_on_right=True,
)


def mpf_style() -> dict:
    """A private copy of the mplfinance style, so no two renders share a mutable dict."""
    return copy.deepcopy(_MPF_STYLE)
