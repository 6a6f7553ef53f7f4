"""The market chart: 1200 x 700, its marks drawn (an image without them differs), and it copes
with short histories."""

import io

import numpy as np
from PIL import Image

from bot.analysis.evidence import market_state, market_tape
from bot.charts.market_chart import render_market_chart


def _size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def test_the_chart_draws_its_marks(load_daily):
    spy = load_daily("SPY").loc["2019-01-01":"2020-04-20"]
    tape = market_tape(spy)
    state = market_state(spy)
    png = render_market_chart(spy, tape, state)
    assert _size(png) == (1200, 700)
    shown = tape.iloc[-120:]
    assert shown["distribution"].any() and shown["follow_through"].any() and (shown["state"] == "correction").any()
    for column, blank in (("distribution", False), ("follow_through", False), ("state", "uptrend")):
        plain = tape.copy()
        plain[column] = blank
        assert render_market_chart(spy, plain, state) != png, column
    assert render_market_chart(spy, tape, state) == png  # the same bars, the same bytes


def test_a_short_history_still_renders(load_daily):
    qqq = load_daily("QQQ").iloc[:60]
    tape = market_tape(qqq)
    assert tape["state"].isna().sum() == 49
    png = render_market_chart(qqq, tape, market_state(qqq, index="QQQ"))
    assert _size(png) == (1200, 700)


def test_red_marks_sit_above_distribution_days(load_daily):
    spy = load_daily("SPY").loc["2021-06-01":"2022-06-21"]
    tape = market_tape(spy)
    img = np.asarray(Image.open(io.BytesIO(render_market_chart(spy, tape, market_state(spy)))).convert("RGB")).astype(int)
    # the marker red (#ff5c5c) appears in the price panel (upper 60 % of the image)
    red = (abs(img[..., 0] - 0xFF) < 8) & (abs(img[..., 1] - 0x5C) < 8) & (abs(img[..., 2] - 0x5C) < 8)
    assert red[:420].sum() > 200
