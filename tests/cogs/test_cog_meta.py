"""help, about and the owner-only sync, through real dispatch."""

from __future__ import annotations

import pytest

from bot import __version__
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.settings import Settings


def visible(sent):
    return [m for m in sent if m["kind"] in ("message", "response", "followup")]


@pytest.fixture
def market(shared_data):
    return MarketData(CsvDirectoryProvider(shared_data))


async def test_help_lists_every_chart_command_with_examples(make_harness, market):
    h = await make_harness(market)
    for sent in (await h.prefix("!help"), await h.slash("help")):
        (reply,) = visible(sent)
        fields = {f["name"]: f["value"] for f in reply["embeds"][0]["fields"]}
        for name in ("!base", "!compare", "!perf", "!chart", "!about", "!help"):
            assert name in fields, fields.keys()
        assert "`!compare IWM SPY QQQ 3m`" in fields["!compare"]
        assert "!sync" not in fields  # hidden


async def test_about_shows_version_source_and_freshness(make_harness, market):
    h = await make_harness(market)
    # The CSV files end in 2025: look back far enough to reach their last bar.
    h.bot.get_cog("Meta").freshness_days = 10_000
    spy_last = (await market.history("SPY")).index[-1].date().isoformat()
    (reply,) = visible(await h.slash("about"))
    fields = {f["name"]: f["value"] for f in reply["embeds"][0]["fields"]}
    assert fields["Version"] == __version__ and fields["Data source"] == "csv"
    assert fields["Data freshness"] == f"latest SPY bar {spy_last}"
    assert "not investment advice" in fields["Disclaimer"].lower()


async def test_about_says_when_there_are_no_recent_bars(make_harness, market):
    h = await make_harness(market)
    (reply,) = visible(await h.prefix("!about"))
    fields = {f["name"]: f["value"] for f in reply["embeds"][0]["fields"]}
    assert fields["Data freshness"] == "no SPY bars in the last 14 days"


async def test_sync_is_owner_only(make_harness, market):
    h = await make_harness(market, settings=Settings(token="t", owner_ids=frozenset({42})))
    (reply,) = visible(await h.prefix("!sync", author=h.admin))
    assert "Only the bot's owner" in reply["content"]
    assert not [m for m in h.sent if m["kind"] == "sync"]
    sent = await h.prefix("!sync", author=h.member(user_id=42))
    (synced,) = [m for m in sent if m["kind"] == "sync"]
    names = {c["name"] for c in synced["payload"]["commands"]}
    assert {"base", "compare", "perf", "chart", "help", "about"} <= names
    n = len(synced["payload"]["commands"])
    assert visible(sent)[0]["content"] == f"Synced {n} slash commands to all servers (Discord may take a few minutes to show them)."


async def test_sync_here_copies_global_commands_to_the_server(make_harness, market):
    h = await make_harness(market)  # no BOT_OWNER_IDS: the application's owner is asked
    sent = await h.prefix("!sync here", author=h.member(owner=True))
    (synced,) = [m for m in sent if m["kind"] == "sync"]
    assert "base" in {c["name"] for c in synced["payload"]["commands"]}
    assert "this server" in visible(sent)[0]["content"]
    (reply,) = visible(await h.prefix("!sync nowhere", author=h.member(owner=True)))
    assert "⚠️" in reply["content"]
