"""``setups`` through discord.py's real dispatch (prefix and slash), on real prices."""

from __future__ import annotations

import shutil

import pytest
from discord_harness import GUILD_ID, FailingProvider, is_png

import bot.services.setups as setups_service
from bot.errors import DataSourceError
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.setups import SetupsService, parse_request
from bot.store.watchlist import WatchlistRepo

EXTENSIONS = ("cogs.setups",)


def visible(sent: list[dict]) -> list[dict]:
    return [m for m in sent if m["kind"] in ("message", "response", "followup")]


def only_reply(sent: list[dict]) -> dict:
    replies = visible(sent)
    assert len(replies) == 1, replies
    return replies[0]


@pytest.fixture
def market(shared_data):
    return MarketData(CsvDirectoryProvider(shared_data))


@pytest.fixture
async def h(make_harness, market):
    return await make_harness(market, extensions=EXTENSIONS)


async def expected(market, *words, guild_id=None, db=None):
    return await SetupsService(market, db).report(parse_request(list(words)), guild_id=guild_id, render=False)


def assert_setups(reply: dict, report) -> dict:
    (embed,) = reply["embeds"]
    assert embed["title"] == report.headline
    assert report.pages()[0] in embed["description"]
    assert reply["allowed_mentions"] == {"parse": []}
    if report.setups:
        assert [f["name"] for f in reply["files"]] == [report.filename]
        assert is_png(reply["files"][0]["bytes"])
        assert embed["image"]["url"] == f"attachment://{report.filename}"
    else:
        assert not reply["files"] and "image" not in embed
    return embed


async def test_prefix_words_in_any_order(h, market):
    report = await expected(market, "etfs", "near")
    reply = only_reply(await h.prefix("!setups near etfs"))
    embed = assert_setups(reply, report)
    assert report.setups and report.rows[0] in embed["description"]
    assert reply["payload"]["message_reference"]["message_id"]
    assert not reply["components"]  # one page: no buttons


async def test_slash_with_choices_defers_then_answers(h, market):
    report = await expected(market, "etfs", "testing", "daily")
    sent = await h.slash("setups", {"universe": "etfs", "status": "testing", "timeframe": "daily"})
    assert sent[0]["kind"] == "defer"
    reply = only_reply(sent)
    assert reply["kind"] == "followup" and not reply["ephemeral"]
    assert_setups(reply, report)
    if report.setups:
        assert reply["files"][0]["name"] == "setups-etfs-daily.png"


async def test_near_percent_on_prefix_and_slash(h, market):
    report = await SetupsService(market).report(parse_request(["etfs", "near", "6%"]), render=False)
    reply = only_reply(await h.prefix("!setups etfs near 6%"))
    assert_setups(reply, report)
    assert "within 6% of resistance" in reply["embeds"][0]["title"]
    h.reset_cooldowns()
    sent = await h.slash("setups", {"universe": "etfs", "status": "near", "near": 6.0})
    assert only_reply(sent)["embeds"][0]["title"] == report.headline


async def test_sort_option_orders_the_table(h, market):
    report = await expected(market, "etfs", "length")
    embed = assert_setups(only_reply(await h.slash("setups", {"universe": "etfs", "sort": "length"})), report)
    weeks = [s.result.weeks for s in report.setups]
    assert weeks == sorted(weeks, reverse=True)
    assert report.rows[0] in embed["description"]


async def test_missing_tickers_are_named(h, market, shared_data):
    absent = [t for t in setups_service.UNIVERSES["etfs"] if not (shared_data / f"{t}.csv").is_file()]
    assert absent
    (embed,) = only_reply(await h.prefix("!setups etfs"))["embeds"]
    for t in absent:
        assert t in embed["description"]


async def test_default_is_the_servers_watchlist(h, market):
    await WatchlistRepo(h.bot.services.db).add(GUILD_ID, ["TLT", "GLD", "XLU"])
    report = await expected(market, guild_id=GUILD_ID, db=h.bot.services.db)
    assert {s.ticker for s in report.setups} <= {"TLT", "GLD", "XLU"}
    assert_setups(only_reply(await h.prefix("!setups")), report)


async def test_paging_buttons_edit_the_table_in_place(h, market, monkeypatch):
    monkeypatch.setattr(setups_service, "PAGE_ROWS", 2)
    report = await expected(market, "etfs")
    pages = report.pages()
    assert len(pages) >= 3
    reply = only_reply(await h.prefix("!setups etfs"))
    buttons = {c["custom_id"]: c for row in reply["components"] for c in row["components"]}
    assert buttons["setups:page:prev"].get("disabled") is True and not buttons["setups:page:next"].get("disabled")
    assert pages[0] in reply["embeds"][0]["description"]
    sent = await h.click("setups:page:next", reply)
    (edit,) = [m for m in sent if m["kind"] in ("edit", "response") and m["embeds"]]
    assert pages[1] in edit["embeds"][0]["description"] and pages[0] not in edit["embeds"][0]["description"]
    assert not [m for m in sent if m["kind"] in ("message", "followup")]
    sent = await h.click("setups:page:prev", reply)
    (edit,) = [m for m in sent if m["kind"] in ("edit", "response") and m["embeds"]]
    assert pages[0] in edit["embeds"][0]["description"]


async def test_someone_else_cannot_page(h, monkeypatch):
    monkeypatch.setattr(setups_service, "PAGE_ROWS", 2)
    reply = only_reply(await h.prefix("!setups etfs"))
    sent = await h.click("setups:page:next", reply, author=h.member())
    (answer,) = visible(sent)
    assert answer["ephemeral"] and "Only the person who asked" in answer["content"]


async def test_empty_result_says_so_without_a_picture(make_harness, shared_data, tmp_path):
    shutil.copy(shared_data / "TLT.csv", tmp_path / "TLT.csv")
    market = MarketData(CsvDirectoryProvider(tmp_path))
    h = await make_harness(market, extensions=EXTENSIONS)
    report = await expected(market, "etfs", "failed")
    reply = only_reply(await h.prefix("!setups etfs failed"))
    embed = assert_setups(reply, report)
    assert not report.setups and report.empty in embed["description"]
    assert "XLB" in embed["description"] and "(17)" in embed["description"]  # and who had no data


async def test_a_universe_with_failing_tickers_still_answers(make_harness, shared_data, tmp_path):
    for t in ("IWM", "SPY", "QQQ"):
        shutil.copy(shared_data / f"{t}.csv", tmp_path / f"{t}.csv")
    (tmp_path / "MDY.csv").write_text("this is not a price file\n")
    market = MarketData(CsvDirectoryProvider(tmp_path))
    h = await make_harness(market, extensions=EXTENSIONS)
    report = await expected(market)  # the default watchlist: IWM MDY SPY QQQ
    assert report.missing == ("MDY",)
    embed = assert_setups(only_reply(await h.prefix("!setups")), report)
    assert "MDY" in embed["description"]


async def test_source_down_is_one_friendly_reply(make_harness):
    h = await make_harness(MarketData(FailingProvider(DataSourceError("Yahoo Finance is not answering right now."))),
                           extensions=EXTENSIONS)
    (reply,) = visible(await h.prefix("!setups etfs"))
    assert "not answering" in reply["content"] and not reply["files"]


@pytest.mark.parametrize("text", ["!setups bogus", "!setups etfs sp500"])
async def test_bad_words_are_explained(h, text):
    (reply,) = visible(await h.prefix(text))
    assert "universe" in reply["content"] and not reply["files"]


async def test_bad_word_on_slash_is_private(h):
    (reply,) = visible(await h.slash("setups", {"universe": "nasdaq"}))
    assert reply["ephemeral"] and "nasdaq" in reply["content"]


async def test_universe_autocomplete(h):
    values = [c["value"] for c in await h.autocomplete("setups", {"universe": "s"}, focused="universe")]
    assert values == ["sp500"] or "sp500" in values
    everything = [c["value"] for c in await h.autocomplete("setups", {"universe": ""}, focused="universe")]
    assert everything == ["watchlist", "etfs", "sp500"]


async def test_a_server_saves_its_own_list_and_screens_it(h, market):
    (denied,) = visible(await h.prefix("!universe save defensives XLP XLU XLV", author=h.user))
    assert "Manage Server" in denied["content"]
    (saved,) = visible(await h.prefix("!universe save Defensives xlp, xlu XLV", author=h.admin))
    assert saved["content"].startswith("List `defensives` saved: 3 tickers (XLP XLU XLV)")
    report = await SetupsService(market, h.bot.services.db).report(
        parse_request(["defensives"], saved=["defensives"]), guild_id=GUILD_ID, render=False)
    assert report.screened == 3 and {s.ticker for s in report.setups} <= {"XLP", "XLU", "XLV"}
    reply = only_reply(await h.prefix("!setups defensives"))
    assert_setups(reply, report)
    assert "the list 'defensives'" in reply["embeds"][0]["title"]
    values = [c["value"] for c in await h.autocomplete("setups", {"universe": "def"}, focused="universe")]
    assert values == ["defensives"]
    (listed,) = visible(await h.prefix("!universe list"))
    assert "**defensives** (3): XLP XLU XLV" in listed["content"]
    (gone,) = visible(await h.slash("universe delete", {"name": "defensives"}, author=h.admin))
    assert gone["content"] == "List `defensives` deleted."
    h.reset_cooldowns()
    (unknown,) = visible(await h.prefix("!setups defensives"))
    assert "defensives" in unknown["content"] and not unknown["files"]


@pytest.mark.parametrize("name", ["etfs", "near", "daily", "x", "9lives"])
async def test_list_names_that_would_be_ambiguous_are_refused(h, name):
    (reply,) = visible(await h.prefix(f"!universe save {name} IWM", author=h.admin))
    assert f"`{name}`" in reply["content"] and "saved" not in reply["content"]


async def test_a_saved_list_is_checked_like_watch_add(h):
    """`universe save` refuses tickers the data source has no prices for, as `watch add` does."""
    (reply,) = visible(await h.prefix("!universe save mine IWM ZZZZ QQQQQ", author=h.admin))
    assert "No price data for `ZZZZ`, `QQQQQ`" in reply["content"] and "nothing was saved" in reply["content"]
    (listed,) = visible(await h.prefix("!universe list"))
    assert "mine" not in listed["content"]
