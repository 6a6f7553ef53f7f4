"""Property: whatever is typed after ``!base`` / ``!compare``, the bot answers exactly once,
with a chart or a friendly error, and nothing escapes as an unhandled exception.

Fast on purpose: a small synthetic price directory (ending today, so every period has
data) and a stub renderer that returns a real 1×1 PNG instead of drawing.
"""

from __future__ import annotations

import logging
import struct
import zlib
from datetime import date

import numpy as np
import pandas as pd
import pytest
from discord_harness import is_png
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.words.errors import APOLOGY

SYNTHETIC = ("IWM", "SPY", "QQQ", "AAA", "BRK-B")
FRIENDLY_MARKS = ("⚠️", "📡", "⏳", "🔒")


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def write_synthetic_prices(directory, tickers=SYNTHETIC, days=1400, seed=7) -> None:
    """Random-walk daily bars ending today: a base-like range, then drift."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range(end=pd.Timestamp(date.today()), periods=days)
    for i, ticker in enumerate(tickers):
        close = 100 * (1 + i / 10) * np.exp(np.cumsum(rng.normal(0.0003, 0.012, days)))
        high = close * (1 + rng.uniform(0, 0.01, days))
        low = close * (1 - rng.uniform(0, 0.01, days))
        frame = pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Open": close, "High": high, "Low": low,
                              "Close": close, "Volume": rng.integers(1_000_000, 5_000_000, days)})
        frame.to_csv(directory / f"{ticker}.csv", index=False)


class ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
async def fast(make_harness, tmp_path, monkeypatch):
    import bot.services.base as base_service
    import bot.services.compare as compare_service

    png = tiny_png()

    def stub_render(*args, **kwargs):
        return png

    monkeypatch.setattr(base_service, "render_base_chart", stub_render)
    monkeypatch.setattr(compare_service, "render_compare_chart", stub_render)
    write_synthetic_prices(tmp_path)
    harness = await make_harness(MarketData(CsvDirectoryProvider(tmp_path)))
    errors = ErrorRecords()
    logging.getLogger().addHandler(errors)
    harness.errors = errors.records
    yield harness
    logging.getLogger().removeHandler(errors)


WORDS = st.sampled_from([
    "IWM", "spy", "$QQQ", "AAA", "BRK.B", "ZZZZ", "^GSPC", "daily", "weekly", "d", "W", "3m", "ytd", "1Y",
    "period=6m", "period=10y", "10y", "2w", "???", "TOOLONGTICKERNAME", '"', "'", '"IWM SPY"', "`",
    "@everyone", "<@123>", "timeframe=daily", "-", ".", "\u200b", "ＩＷＭ", "🚀",
])
TICKERS = st.sampled_from(["IWM", "spy", "$QQQ", "AAA", "BRK.B", "brk-b", "ZZZZ"])
MODIFIERS = st.sampled_from(["", "daily", "weekly", "w", "3m", "1y", "ytd", "period=6m", "5y"])
ANYTHING = st.one_of(st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=9).map(" ".join),
                     st.text(max_size=40))


def well_formed(min_tickers: int, max_tickers: int):
    """Mostly sensible input (exercises the chart path), with the odd unknown ticker or period."""
    return st.tuples(st.lists(TICKERS, min_size=min_tickers, max_size=max_tickers), MODIFIERS).map(
        lambda t: " ".join([*t[0], t[1]]))


BASE_ARGS = st.one_of(well_formed(1, 1), well_formed(1, 2), ANYTHING)
COMPARE_ARGS = st.one_of(well_formed(2, 6), well_formed(1, 7), ANYTHING)


async def check_one(h, command: str, args: str) -> str:
    h.reset_cooldowns()
    h.reset()
    sent = await h.prefix(f"!{command} {args}")
    visible = [m for m in sent if m["kind"] in ("message", "response", "followup")]
    assert len(visible) == 1, (args, sent)
    reply = visible[0]
    assert reply["allowed_mentions"] == {"parse": []}
    assert not h.errors, [r.getMessage() for r in h.errors]
    if reply["files"]:
        assert is_png(reply["files"][0]["bytes"]) and reply["embeds"]
        return "chart"
    assert reply["content"] != APOLOGY and reply["content"].startswith(FRIENDLY_MARKS), (args, reply["content"])
    return "error"


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=BASE_ARGS)
async def test_base_always_answers_with_a_chart_or_a_friendly_error(fast, args):
    event(await check_one(fast, "base", args))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=COMPARE_ARGS)
async def test_compare_always_answers_with_a_chart_or_a_friendly_error(fast, args):
    event(await check_one(fast, "compare", args))


async def test_the_generator_reaches_both_outcomes(fast):
    """Guard against a vacuous property: known inputs hit both branches."""
    assert await check_one(fast, "base", "IWM daily") == "chart"
    assert await check_one(fast, "compare", "IWM spy 3m") == "chart"
    assert await check_one(fast, "compare", "IWM") == "error"
