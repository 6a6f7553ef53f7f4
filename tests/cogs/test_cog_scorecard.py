"""``scorecard`` through discord.py's real dispatch (prefix and slash) on both store engines, the
store holding a known set of delivered alerts (the real scan over real IWM and QQQ bars, the real
sender): the record and its picture, the empty record's one line, bad input, Discord's limits."""

from __future__ import annotations

import pytest
from discord_harness import CHANNEL_ID, FIELD_MAX, GUILD_ID, check_embed_limits, is_png, only_reply
from scorecard_store import deliver_alerts

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.scorecard import ScorecardService
from bot.words import scorecard as words


@pytest.fixture
def market(shared_data):
    return MarketData(CsvDirectoryProvider(shared_data))


@pytest.fixture
async def h(make_harness, market, store, shared_data):
    async with store.database() as db:
        await deliver_alerts(db, shared_data, GUILD_ID, CHANNEL_ID)
    return await make_harness(market, extensions=("cogs.scorecard",), db=store.database())




async def _expected(h, market):
    return await ScorecardService(h.bot.services.db, market).scorecard(GUILD_ID, "all")


async def test_scorecard_all_by_prefix_is_the_record_and_one_picture(h, market):
    reply = only_reply(await h.prefix("!scorecard all"))
    report = await _expected(h, market)
    (embed,) = reply["embeds"]
    assert embed["title"] == report.headline and str(len(report.alerts)) in embed["title"]
    assert report.counts in embed["description"] and report.text in embed["description"]
    (alerts,) = embed["fields"]
    assert alerts["name"] == words.ALERTS_FIELD
    assert alerts["value"].splitlines() == list(report.lines)
    assert "**IWM** 2023-12-26 · failed" in alerts["value"]
    assert [f["name"] for f in reply["files"]] == ["scorecard.png"] and is_png(reply["files"][0]["bytes"])
    assert embed["image"]["url"] == "attachment://scorecard.png"
    assert reply["allowed_mentions"] == {"parse": []}
    check_embed_limits(embed)


async def test_scorecard_by_slash_gives_the_same_record(h, market):
    sent = await h.slash("scorecard", {"period": "all"})
    assert any(m["kind"] == "defer" for m in sent)
    reply = only_reply(sent)
    (embed,) = reply["embeds"]
    report = await _expected(h, market)
    assert embed["title"] == report.headline and report.text in embed["description"]
    assert [f["name"] for f in reply["files"]] == ["scorecard.png"]


async def test_an_empty_period_is_one_clear_line(h):
    # the alerts are of 2023-12 .. 2024-03: the last 30 days (and the default 90) hold none
    for sent in (await h.prefix("!scorecard 30d"), await h.slash("scorecard", {"period": "30d"}),
                 await h.prefix("!scorecard")):
        reply = only_reply(sent)
        assert reply["content"] == words.empty_line("30d" if "30" in reply["content"] else "90d")
        assert not reply.get("embeds") and not reply.get("files")


async def test_a_bad_period_says_which_ones_there_are(h):
    for text in ("!scorecard 2w", "!scorecard ../../etc/passwd"):
        reply = only_reply(await h.prefix(text))
        assert reply["content"].endswith(words.BAD_PERIOD)
        assert "Traceback" not in reply["content"] and "/" not in reply["content"]


def test_a_long_record_lists_what_fits_and_says_how_many_more():
    import discord

    from bot.app import embeds
    from bot.services.scorecard import ScorecardReport

    lines = tuple(f"**T{i:03d}** 2024-01-{1 + i % 28:02d} · held · 10 bars +1.0% · 30 bars +2.0% · best +3.0%"
                  for i in range(80))
    report = ScorecardReport(GUILD_ID, "all", "Scorecard", alerts=(object(),), counts="held 80", text="t",
                             lines=lines, notes=("n",), footer="f", png=b"")
    field = embeds.scorecard_embed(report).fields[0].value
    shown = field.splitlines()
    assert len(field) <= FIELD_MAX and shown[:-1] == list(lines[: len(shown) - 1])
    assert shown[-1] == words.more_alerts(len(lines) - len(shown) + 1)
    assert isinstance(embeds.scorecard_embed(report), discord.Embed)
