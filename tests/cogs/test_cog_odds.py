"""``odds`` through discord.py's real dispatch (prefix and slash): the committed base-rate table by
kind, a ticker's own past breakouts on real prices, bad input, Discord's limits."""

from __future__ import annotations

import pytest
from discord_harness import check_embed_limits, is_png, only_reply

from bot.analysis.study.table import base_rates
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.odds import OddsService, universe_of


@pytest.fixture
def market(shared_data):
    return MarketData(CsvDirectoryProvider(shared_data))


@pytest.fixture
async def h(make_harness, market):
    return await make_harness(market, extensions=("cogs.odds",))




async def test_odds_gives_the_table_and_one_picture(h):
    reply = only_reply(await h.prefix("!odds"))
    (embed,) = reply["embeds"]
    assert embed["title"] == "Past breakouts: how they went"
    table = base_rates()["universes"]["etfs"]
    row = next(line for line in embed["description"].splitlines() if line.startswith("ETFs all "))
    assert f"{table['groups']['all']['all']['n']:,}" in row.split()  # the committed count, as committed
    assert [f["name"] for f in reply["files"]] == ["odds.png"] and is_png(reply["files"][0]["bytes"])
    assert embed["image"]["url"] == "attachment://odds.png"
    assert reply["allowed_mentions"] == {"parse": []}
    check_embed_limits(embed)


async def test_odds_of_a_kind_by_slash(h):
    sent = await h.slash("odds", {"what": "record"})
    reply = only_reply(sent)
    (embed,) = reply["embeds"]
    assert embed["title"] == "Past record high breakouts: how they went"
    rows = [line for line in embed["description"].split("```")[1].splitlines() if line.strip() and not line.startswith("group")]
    assert rows and all(" record" in r for r in rows)
    check_embed_limits(embed)


async def test_odds_of_a_ticker_is_its_own_breakouts_next_to_its_group(h, market):
    reply = only_reply(await h.prefix("!odds iwm"))
    (embed,) = reply["embeds"]
    report = await OddsService(market).ticker("IWM")
    assert embed["title"] == report.headline and embed["title"].startswith("IWM: ")
    lines = embed["description"].splitlines()
    assert any(line.startswith("IWM own") for line in lines) and any(line.startswith("ETFs all") for line in lines)
    assert any("Past breakouts" in line for line in lines)  # the latest breakout's odds line
    assert universe_of("IWM") == "etfs" and universe_of("AAPL") == "sp500"
    assert [f["name"] for f in reply["files"]] == ["odds_IWM.png"]
    check_embed_limits(embed)


async def test_odds_rejects_a_bad_word_without_a_traceback(h):
    reply = only_reply(await h.prefix("!odds $$$"))
    assert "Traceback" not in reply["content"] and reply["content"]


async def test_odds_has_the_chart_commands_cooldown(h):
    """3 requests per member per 30 seconds, as each chart command (cogs/charts.py)."""
    for _ in range(3):
        assert only_reply(await h.prefix("!odds major"))["embeds"]
    assert "Slow down" in only_reply(await h.prefix("!odds"))["content"]
