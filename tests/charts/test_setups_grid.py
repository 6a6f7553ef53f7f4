"""The setups grid: tile count and layout, the words on each tile, PNG size for phones."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from bot.analysis.base import chart_window, find_base
from bot.charts.setups_grid import GridTile, columns_for, render_setups_grid, setups_grid_figure
from bot.words.setups import tile_detail, tile_subtitle, tile_title

TICKERS = ("IWM", "MDY", "SPY", "QQQ", "GLD", "TLT", "XLK", "XLV", "XLP", "XLU", "XLRE", "XLC")


@pytest.fixture(scope="module")
def tiles(load_daily):
    out = []
    for t in TICKERS:
        daily = load_daily(t)
        r = find_base(daily, date(2023, 12, 15))
        out.append(GridTile(chart_window(daily, r, "weekly"), r, tile_title(t, r), tile_subtitle(r), tile_detail(r)))
    return out


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.texts]


@pytest.mark.parametrize(("n", "cols"), [(1, 1), (4, 2), (5, 3), (12, 3)])
def test_layout(tiles, n, cols):
    fig = setups_grid_figure(tiles[:n], title="Setups", subtitle="as of Dec 15, 2023")
    assert columns_for(n) == cols and len(fig.axes) == n
    for tile in tiles[:n]:
        assert tile.title in texts(fig) and tile.subtitle in texts(fig) and tile.detail in texts(fig)


def test_png_is_phone_sized(tiles):
    png = render_setups_grid(tiles, title="Setups · the ETFs", subtitle="as of Dec 15, 2023")
    image = Image.open(io.BytesIO(png))
    assert image.size[0] == 960  # three 320-px tiles: shown at 400 px the text stays ≥ 11 px
    assert image.size[1] > image.size[0]  # 4 rows of tiles


def test_iwm_tile_says_testing_its_4th_test(tiles):
    iwm = tiles[0]
    assert iwm.title == "IWM  testing" and iwm.subtitle == "199.26 · -1.1%"
    assert iwm.detail == "4th test · 1.7-year base"


def test_no_tiles_is_an_error():
    with pytest.raises(ValueError):
        setups_grid_figure([], title="x", subtitle="y")


def test_long_labels_stay_inside_their_tile(tiles):
    """A four-digit price, a two-digit move and a 10th test still fit a 320-px tile."""
    from dataclasses import replace

    long = [replace(t, title="GOOGL  breakout", subtitle="1,234.56 · +12.3%", detail="10th test · 12.5-year base")
            for t in tiles[:6]]
    fig = setups_grid_figure(long, title="Setups", subtitle="as of Dec 15, 2023")
    renderer = fig.canvas.get_renderer()
    tile_px = fig.get_figwidth() * fig.dpi / 3
    widths = [t.get_window_extent(renderer).width for t in fig.texts if t.get_text() in (long[0].title, long[0].subtitle, long[0].detail)]
    assert widths and max(widths) < tile_px - 8
