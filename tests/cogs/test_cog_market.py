"""`market` and `alerts market` through discord.py's real dispatch (tests/discord_harness.py),
on real index prices, with the server's choice stored on both engines."""

import pytest
from discord_harness import GUILD_ID, is_png

from bot.app.rate import RATE as CHART_RATE
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.market import MarketService
from bot.store.guilds import GuildSettingsRepo

EXTENSIONS = ("cogs.market", "cogs.alerts")


@pytest.fixture
def market(shared_data):
    return MarketData(CsvDirectoryProvider(shared_data))


def visible(sent):
    return [m for m in sent if m["kind"] in ("message", "response", "followup")]


def assert_market_reply(reply, expected):
    assert [f["name"] for f in reply["files"]] == [f"{expected.index}-market.png"]
    assert is_png(reply["files"][0]["bytes"])
    (embed,) = reply["embeds"]
    assert embed["title"] == expected.headline
    assert embed["description"] == "\n".join(expected.lines)
    assert embed["image"]["url"] == f"attachment://{expected.index}-market.png"
    assert expected.data_date.isoformat() in embed["footer"]["text"]
    assert reply["allowed_mentions"] == {"parse": []}
    return embed


async def test_market_prefix_defaults_to_spy(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    expected = await MarketService(market).report("SPY", render=False)
    (reply,) = visible(await h.prefix("!market"))
    embed = assert_market_reply(reply, expected)
    assert embed["title"].startswith("Market (SPY): ")
    assert "distribution day" in embed["description"]


async def test_market_slash_with_an_index_defers_then_answers(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    expected = await MarketService(market).report("IWM", render=False)
    sent = await h.slash("market", {"index": "IWM"})
    assert sent[0]["kind"] == "defer"
    (reply,) = visible(sent)
    assert reply["kind"] == "followup" and not reply["ephemeral"]
    assert_market_reply(reply, expected)


async def test_an_unknown_index_is_one_clear_message(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    (reply,) = visible(await h.prefix("!market DIA"))
    assert "not one of the market indexes" in reply["content"] and "SPY, QQQ, IWM" in reply["content"]
    assert not reply["files"]


async def test_market_shares_the_chart_cooldown(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    for _ in range(CHART_RATE):
        (reply,) = visible(await h.prefix("!market QQQ"))
        assert reply["files"]
    (reply,) = visible(await h.prefix("!market QQQ"))
    assert not reply["files"] and reply["content"]


async def test_a_server_picks_its_index_for_market(make_harness, market, store):
    h = await make_harness(market, extensions=EXTENSIONS, db=store.database())
    (denied,) = visible(await h.prefix("!alerts market QQQ", author=h.user))
    assert "Manage Server" in denied["content"]
    assert (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).market_index == "SPY"

    (reply,) = visible(await h.prefix("!alerts market qqq", author=h.admin))
    assert "QQQ" in reply["content"] and "Nasdaq-100" in reply["content"]
    assert (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).market_index == "QQQ"
    (reply,) = visible(await h.prefix("!market"))
    assert reply["embeds"][0]["title"].startswith("Market (QQQ): ")
    status = visible(await h.prefix("!alerts status", author=h.admin))[0]["content"]
    assert "Market index: QQQ (Nasdaq-100)." in status

    (bad,) = visible(await h.prefix("!alerts market DOW", author=h.admin))
    assert "not one of the market indexes" in bad["content"]
    assert (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).market_index == "QQQ"

    (reply,) = visible(await h.slash("alerts market", {"index": "SPY"}, author=h.admin))
    assert "SPY" in reply["content"]
    assert (await GuildSettingsRepo(h.bot.services.db).get(GUILD_ID)).market_index == "SPY"
    h.reset_cooldowns()
    (reply,) = visible(await h.prefix("!market"))
    assert reply["embeds"][0]["title"].startswith("Market (SPY): ")
