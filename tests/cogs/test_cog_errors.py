"""A failing or hanging price source, and bugs: one friendly reply, never a traceback for users."""

from __future__ import annotations

import logging

import pytest
from discord_harness import FailingProvider, HangingProvider

from bot.errors import DataSourceError, DataTimeout, RateLimited
from bot.market.service import MarketData
from bot.settings import Settings
from bot.words.errors import APOLOGY


def visible(sent):
    return [m for m in sent if m["kind"] in ("message", "response", "followup")]


@pytest.mark.parametrize(
    ("error", "needle"),
    [
        (DataSourceError("Yahoo Finance is not answering right now."), "not answering"),
        (DataTimeout("Yahoo Finance did not answer in time."), "did not answer in time"),
        (RateLimited("Yahoo Finance is rate-limiting us. Try again in a few minutes."), "rate-limiting"),
    ],
)
@pytest.mark.parametrize("command", ["!base IWM", "!compare IWM SPY", "!perf", "!chart IWM"])
async def test_source_failures_become_one_friendly_reply(make_harness, caplog, error, needle, command):
    h = await make_harness(MarketData(FailingProvider(error)))
    (reply,) = visible(await h.prefix(command))
    assert needle in reply["content"] and reply["content"].startswith("📡")
    assert not reply["files"] and reply["allowed_mentions"] == {"parse": []}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_source_failure_on_slash_is_private(make_harness):
    h = await make_harness(MarketData(FailingProvider(DataTimeout("Yahoo Finance did not answer in time."))))
    sent = await h.slash("compare", {"t1": "IWM", "t2": "SPY"})
    (reply,) = visible(sent)
    assert reply["ephemeral"] and "did not answer" in reply["content"]
    assert [m["kind"] for m in sent] == ["defer", "delete", "followup"]


async def test_a_hanging_source_is_cut_off_by_the_command_deadline(make_harness, caplog):
    h = await make_harness(MarketData(HangingProvider()), settings=Settings(token="t", data_timeout=0.05))
    (reply,) = visible(await h.prefix("!base IWM"))
    assert "took too long" in reply["content"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_bug_gets_an_apology_and_a_logged_traceback_with_context(make_harness, caplog):
    h = await make_harness(MarketData(FailingProvider(ZeroDivisionError("boom"))))
    (reply,) = visible(await h.prefix("!base IWM"))
    assert reply["content"] == APOLOGY
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.name == "bot.app.error_handler" and record.exc_info[0] is ZeroDivisionError
    assert "command='base'" in record.getMessage() and "!base IWM" in record.getMessage()
    sent = await h.slash("chart", {"ticker": "IWM"})
    assert [m["content"] for m in visible(sent)] == [APOLOGY] and visible(sent)[0]["ephemeral"]


async def test_a_bug_while_switching_timeframe_is_answered_privately(make_harness, caplog, shared_data):
    from bot.market.csvdir import CsvDirectoryProvider

    market = MarketData(CsvDirectoryProvider(shared_data))
    h = await make_harness(market)
    (reply,) = visible(await h.prefix("!base IWM"))
    market.provider = FailingProvider(RateLimited("Yahoo Finance is rate-limiting us."))
    sent = await h.click("base:timeframe:daily", reply)
    assert [m["kind"] for m in sent] == ["defer", "followup"]
    assert sent[1]["ephemeral"] and "rate-limiting" in sent[1]["content"]
    assert not [m for m in sent if m["kind"] == "delete"]  # the chart message stays


async def test_unknown_command_is_ignored(make_harness):
    h = await make_harness(MarketData(FailingProvider(DataSourceError("x"))))
    assert visible(await h.prefix("!nosuchcommand IWM")) == []


async def test_the_error_handler_never_raises(make_harness, caplog):
    from discord.ext import commands

    h = await make_harness(MarketData(FailingProvider(DataSourceError("x"))))
    message_sent = await h.prefix("!base")  # a real context to reuse
    assert visible(message_sent)

    class Broken:  # a context whose send fails: the handler must swallow and log it
        command = None
        interaction = None
        guild = channel = author = None
        prefix = "!"
        bot = h.bot

        class message:  # noqa: N801
            content = "!x"

            @staticmethod
            def to_reference(**kwargs):
                raise RuntimeError("cannot reply")

    await h.bot.on_command_error(Broken(), commands.CommandError("odd"))
    assert any("error handler itself failed" in r.getMessage() for r in caplog.records)


async def test_manage_server_checks_get_a_friendly_refusal(make_harness):
    """The permission path the watch/alerts cogs rely on, through a throwaway cog."""
    from discord.ext import commands

    class Admin(commands.Cog):
        @commands.hybrid_command(name="admintest", description="needs Manage Server")
        @commands.has_permissions(manage_guild=True)
        @commands.guild_only()
        async def admintest(self, ctx):
            await ctx.send("done")

    h = await make_harness(MarketData(FailingProvider(DataSourceError("x"))))
    await h.bot.add_cog(Admin())
    (reply,) = visible(await h.prefix("!admintest", author=h.user))
    assert reply["content"] == "🔒 You need the Manage Server permission for this."
    (reply,) = visible(await h.slash("admintest", author=h.user))
    assert reply["ephemeral"] and "Manage Server" in reply["content"]
    assert visible(await h.prefix("!admintest", author=h.admin))[0]["content"] == "done"
    assert visible(await h.slash("admintest", author=h.admin))[0]["content"] == "done"
    assert visible(await h.prefix("!admintest", author=h.member(owner=True)))[0]["content"] == "done"
