"""Chart commands through discord.py's real dispatch (prefix and slash), on real prices."""

from __future__ import annotations

import logging

import pytest
from discord_harness import is_png

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.base import make_base_report
from bot.services.chart import make_price_report
from bot.services.compare import make_compare_report
from bot.services.perf import make_perf_report


@pytest.fixture
def market(shared_data):
    return MarketData(CsvDirectoryProvider(shared_data))


@pytest.fixture
async def h(make_harness, market):
    return await make_harness(market)


def only_reply(sent: list[dict]) -> dict:
    """The one message a user sees for a command (typing/defer records are not messages)."""
    visible = [m for m in sent if m["kind"] in ("message", "response", "followup")]
    assert len(visible) == 1, visible
    return visible[0]


def assert_chart(reply: dict, filename: str, title: str) -> dict:
    assert [f["name"] for f in reply["files"]] == [filename]
    assert is_png(reply["files"][0]["bytes"])
    (embed,) = reply["embeds"]
    assert embed["title"] == title
    assert embed["image"]["url"] == f"attachment://{filename}"
    assert reply["allowed_mentions"] == {"parse": []}
    return embed


async def test_base_prefix_matches_the_report(h, market):
    expected = await make_base_report(market, "IWM", render=False, evidence=h.bot.services.evidence_beside)
    assert dict(expected.fields)["Evidence"]  # the RS line, trend and market lines beside the base
    reply = only_reply(await h.prefix("!base iwm"))
    embed = assert_chart(reply, "IWM-base-weekly.png", expected.headline)
    assert [f["name"] for f in embed["fields"]] == [name for name, _ in expected.fields]
    assert [f["value"] for f in embed["fields"]] == [value for _, value in expected.fields]
    assert expected.data_date.isoformat() in embed["footer"]["text"]
    assert "csv" in embed["footer"]["text"]
    assert reply["payload"]["message_reference"]["message_id"]  # a reply to the command
    labels = [c["label"] for row in reply["components"] for c in row["components"]]
    assert labels == ["Daily", "Weekly"]


async def test_base_slash_defers_then_answers_with_the_chart(h, market):
    expected = await make_base_report(market, "SPY", timeframe="daily", render=False,
                                      evidence=h.bot.services.evidence_beside)
    sent = await h.slash("base", {"ticker": "SPY", "timeframe": "daily"})
    assert sent[0]["kind"] == "defer" and not sent[0]["ephemeral"]
    reply = only_reply(sent)
    assert reply["kind"] == "followup" and not reply["ephemeral"]
    embed = assert_chart(reply, "SPY-base-daily.png", expected.headline)
    assert [f["name"] for f in embed["fields"]] == [name for name, _ in expected.fields]


async def test_timeframe_buttons_edit_the_message_in_place(h, market):
    reply = only_reply(await h.prefix("!base IWM"))
    daily = await make_base_report(market, "IWM", timeframe="daily", render=False)
    sent = await h.click("base:timeframe:daily", reply)
    edits = [m for m in sent if m["kind"] == "edit"]
    assert len(edits) == 1 and edits[0]["message_id"] == reply["message_id"]
    assert not [m for m in sent if m["kind"] in ("message", "followup")]  # edited, not re-posted
    embed = assert_chart(edits[0], "IWM-base-daily.png", daily.headline)
    assert embed["fields"] and edits[0]["files"][0]["bytes"] != reply["files"][0]["bytes"]
    buttons = {c["label"]: c for row in edits[0]["components"] for c in row["components"]}
    assert buttons["Daily"].get("disabled") is True and not buttons["Weekly"].get("disabled")
    # and back again
    back = [m for m in await h.click("base:timeframe:weekly", reply) if m["kind"] == "edit"]
    assert back[0]["files"][0]["name"] == "IWM-base-weekly.png"


async def test_someone_else_cannot_switch_your_chart(h):
    reply = only_reply(await h.prefix("!base IWM"))
    sent = await h.click("base:timeframe:daily", reply, author=h.member())
    assert [m["kind"] for m in sent] == ["response"]
    assert sent[0]["ephemeral"] and "Only the person who asked" in sent[0]["content"]


async def test_view_timeout_disables_the_buttons(h):
    reply = only_reply(await h.prefix("!base IWM"))
    view = h.view_for(reply)
    assert view.message.id == reply["message_id"]
    await view.on_timeout()
    (edit,) = [m for m in h.sent if m["kind"] == "edit"]
    assert all(c.get("disabled") for row in edit["components"] for c in row["components"])


async def test_compare_prefix_with_period_word_and_keyword(h, market):
    expected = await make_compare_report(market, ["IWM", "SPY", "QQQ"], period="3m", render=False)
    for text in ("!compare IWM SPY QQQ 3m", "!compare IWM SPY QQQ period=3m"):
        reply = only_reply(await h.prefix(text))
        embed = assert_chart(reply, "compare-IWM-SPY-QQQ-3m.png", expected.headline)
        assert [f["name"] for f in embed["fields"]] == [name for name, _ in expected.fields]
        assert "Ratio IWM/SPY" in [f["name"] for f in embed["fields"]]
        h.reset_cooldowns()


async def test_compare_slash(h, market):
    expected = await make_compare_report(market, ["MDY", "IWM"], period="1y", render=False)
    reply = only_reply(await h.slash("compare", {"t1": "MDY", "t2": "IWM", "period": "1y"}))
    embed = assert_chart(reply, "compare-MDY-IWM-1y.png", expected.headline)
    assert embed["fields"][0]["value"].startswith("```")


async def test_perf_prefix_and_slash_show_the_returns_table(h, market):
    expected = await make_perf_report(market, None, period="ytd")
    reply = only_reply(await h.prefix("!perf"))
    (embed,) = reply["embeds"]
    assert embed["title"] == expected.headline
    assert f"```\n{expected.text}\n```" in embed["description"]
    assert not reply["files"]
    custom = await make_perf_report(market, ["XLK", "XLU"], period="6m")
    reply = only_reply(await h.slash("perf", {"period": "6m", "tickers": "XLK, XLU"}))
    assert reply["embeds"][0]["description"].endswith(f"```\n{custom.text}\n```")
    reply = only_reply(await h.prefix("!perf XLK XLU 6m"))
    assert reply["embeds"][0]["title"] == custom.headline


async def test_chart_prefix_and_slash(h, market):
    expected = await make_price_report(market, "QQQ", timeframe="weekly", period="2y")
    reply = only_reply(await h.prefix("!chart QQQ 2y weekly"))
    assert_chart(reply, "QQQ-chart-weekly-2y.png", expected.headline)
    reply = only_reply(await h.slash("chart", {"ticker": "QQQ", "timeframe": "weekly", "period": "2y"}))
    assert_chart(reply, "QQQ-chart-weekly-2y.png", expected.headline)


async def test_ticker_autocomplete(h):
    choices = await h.autocomplete("base", {"ticker": "xl"}, focused="ticker")
    values = [c["value"] for c in choices]
    assert values and all(v.startswith("XL") for v in values)
    assert {"XLK", "XLF", "XLRE"} <= set(values) and len(values) <= 25
    choices = await h.autocomplete("compare", {"t1": "IWM", "t2": "sp"}, focused="t2")
    assert choices[0]["value"] == "SPY"
    contains = [c["value"] for c in await h.autocomplete("base", {"ticker": "LD"}, focused="ticker")]
    assert "GLD" in contains and all("LD" in v for v in contains)
    # what the data source holds is suggested too (the CSV directory lists its files)
    assert [c["value"] for c in await h.autocomplete("chart", {"ticker": ""}, focused="ticker")][:3] == [
        "SPY", "QQQ", "IWM"]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("!base", "Missing `ticker`"),
        ("!base ???", "not a ticker symbol"),
        ("!base TOOLONGTICKERNAME", "not a ticker symbol"),
        ("!base IWM monthly", "not a timeframe"),
        ("!base ZZZZ", "No price data found for `ZZZZ`"),
        ("!compare IWM", "Missing `t2`"),
        ("!compare IWM SPY QQQ MDY TLT GLD XLK", "At most 6 tickers"),
        ("!compare IWM SPY QQQ MDY TLT GLD XLK XLU", "Too many arguments"),
        ("!compare IWM SPY period=10y", "`period=10y` is not a period"),
        ("!compare IWM SPY 10y", "`10y` is not a period"),
        ("!compare IWM SPY 3m 1y", "Give one period"),
        ('!compare IWM "SPY', "check the quotes"),
        ("!chart IWM sideways", "neither a timeframe"),
        ("!perf 1m 3m", "Give one period"),
    ],
)
async def test_bad_input_gets_one_friendly_reply(h, caplog, text, needle):
    caplog.set_level(logging.DEBUG)
    reply = only_reply(await h.prefix(text))
    assert needle in reply["content"], reply["content"]
    assert not reply["embeds"] and not reply["files"]
    assert reply["allowed_mentions"] == {"parse": []}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("command", "options", "needle"),
    [
        ("base", {"ticker": "???"}, "not a ticker symbol"),
        ("base", {"ticker": "ZZZZ"}, "No price data found"),
        ("compare", {"t1": "IWM", "t2": "SPY", "t3": "10y"}, "is not a period"),
        ("chart", {"ticker": "IWM", "timeframe": "hourly"}, "neither a timeframe"),
    ],
)
async def test_bad_slash_input_gets_a_private_reply(h, caplog, command, options, needle):
    sent = await h.slash(command, options)
    reply = only_reply(sent)
    assert reply["ephemeral"] and needle in reply["content"]
    if any(m["kind"] == "defer" for m in sent):  # deferred publicly: the placeholder is removed
        assert any(m["kind"] == "delete" for m in sent)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_typo_does_not_use_up_the_cooldown(h):
    for _ in range(4):
        assert "not a ticker" in only_reply(await h.prefix("!base ???"))["content"]
    for _ in range(3):
        assert only_reply(await h.prefix("!perf"))["embeds"]
    assert "Slow down" in only_reply(await h.prefix("!perf"))["content"]


async def test_view_on_a_slash_reply_times_out_gracefully(h):
    reply = only_reply(await h.slash("base", {"ticker": "IWM"}))
    view = h.view_for(reply)
    await view.on_timeout()  # edits the followup through the interaction webhook
    (edit,) = [m for m in h.sent if m["kind"] == "edit"]
    assert edit["message_id"] == reply["message_id"]
    assert all(c.get("disabled") for row in edit["components"] for c in row["components"])


async def test_view_timeout_on_a_deleted_message_is_quiet(h, caplog):
    import types

    import discord

    reply = only_reply(await h.prefix("!base IWM"))

    async def gone(*args, **kwargs):
        raise discord.NotFound(types.SimpleNamespace(status=404, reason="Not Found"), "Unknown Message")

    h.bot.http.edit_message = gone
    await h.view_for(reply).on_timeout()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "bot" in r.name]


async def test_autocomplete_puts_the_servers_watchlist_first(h):
    from discord_harness import GUILD_ID

    from bot.store.watchlist import WatchlistRepo

    await WatchlistRepo(h.bot.services.db).add(GUILD_ID, ["KRE", "ZZZA"])
    values = [c["value"] for c in await h.autocomplete("base", {"ticker": ""}, focused="ticker")]
    assert values[:2] == ["KRE", "ZZZA"] and len(values) == 25
    assert [c["value"] for c in await h.autocomplete("base", {"ticker": "zz"}, focused="ticker")] == ["ZZZA"]
