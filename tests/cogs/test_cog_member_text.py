"""What members are shown (issue 20 part 3), through the real dispatch: never a host path, URL or
library text; echoed input can't break the reply; buttons from before a restart answer.
(Every test of the suite also scans what members saw for paths and URLs: tests/discord_harness.py.)"""

from __future__ import annotations

import logging

import pytest
from scan_fakes import write_csv_dir

from bot.errors import echo
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.words.errors import leaks, scrubbed

EXTENSIONS = ("cogs.charts", "cogs.watch", "cogs.alerts")


def visible(sent):
    return [m for m in sent if m["kind"] in ("message", "response", "followup")]


@pytest.fixture
def folder(tmp_path):
    d = write_csv_dir(tmp_path / "prices", ["IWM", "SPY"])
    (d / "EMPTY.csv").write_bytes(b"")
    (d / "BIN.csv").write_bytes(bytes(range(256)) * 4)
    (d / "CUT.csv").write_text("Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,100\n2024-01-03,1,2")
    return d


@pytest.fixture
async def h(make_harness, folder):
    return await make_harness(MarketData(CsvDirectoryProvider(folder)), extensions=EXTENSIONS)


@pytest.mark.parametrize("ticker", ["EMPTY", "BIN"])
async def test_an_unreadable_price_file_is_named_by_ticker_and_its_path_goes_to_the_log(h, folder, caplog, ticker):
    (reply,) = visible(await h.prefix(f"!base {ticker}"))
    assert reply["content"] == f"📡 The price data for {ticker} can't be read right now."
    assert str(folder) not in str(h.sent)
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(str(folder / f"{ticker}.csv") in m for m in logged)
    h.reset_cooldowns()
    (slash,) = visible(await h.slash("chart", {"ticker": ticker}))
    assert slash["ephemeral"] and "can't be read right now" in slash["content"] and not leaks(slash["content"])


async def test_a_converter_message_never_reaches_a_member(h):
    (reply,) = visible(await h.prefix("!history IWM 1.5"))
    text = reply["content"]
    assert "Converting" not in text and '"int"' not in text
    assert "`1.5` is not valid for `years`: give a whole number" in text and "Usage: `!history" in text
    (channel,) = visible(await h.prefix("!alerts channel #nowhere", author=h.admin))
    assert "not found" not in channel["content"] and "`#nowhere` is not valid for `channel`" in channel["content"]


@pytest.mark.parametrize("word", ["\u202eMWI", "`` @everyone ``", "A" * 300, "x\u200by\nz"])
async def test_echoed_input_cannot_break_the_reply(h, word):
    (reply,) = visible(await h.prefix(f"!chart IWM {word}"))
    text = reply["content"]
    assert "\u202e" not in text and "\u200b" not in text and "\n" not in text.split("Usage")[0]
    echoed = text.split("`")[1]
    assert len(echoed) <= 20 and "`" not in echoed
    assert text.count("`") % 2 == 0  # every code span closed


def test_echo_and_scrub():
    assert echo("\u202eABC`D\u200b") == "ABCD"
    assert echo("X" * 50) == "X" * 19 + "…"
    assert scrubbed("📡 /srv/bot/data/EMPTY.csv: is empty") == "📡 …: is empty"
    assert scrubbed("see postgresql://bot:pw@db:5432/bot now") == "see … now"
    assert scrubbed("Use `/base IWM` or 1/2 of it, on/off") == "Use `/base IWM` or 1/2 of it, on/off"
    assert leaks("C:\\bot\\data\\x.csv and https://example.com/a") and not leaks("attachment://chart.png")


async def test_buttons_from_before_a_restart_say_the_chart_expired(h):
    (chart,) = visible(await h.prefix("!base IWM"))
    view = h.view_for(chart)
    view.stop()  # what a restart does: the message stays, its view is gone
    sent = await h.click("base:timeframe:daily", chart)
    (reply,) = visible(sent)
    assert reply["ephemeral"] and "expired" in reply["content"] and "run the command again" in reply["content"]
