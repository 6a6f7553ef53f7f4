"""describe_error: every error kind maps to a short reply; bugs are the only 'unexpected' ones."""

from __future__ import annotations

import inspect

import pytest
from discord import app_commands
from discord.ext import commands

from bot.app.error_handler import describe_error, permission_names, unwrap
from bot.errors import DataTimeout, InvalidTicker, UnknownTicker
from bot.words.errors import APOLOGY


class _Command:
    name = qualified_name = "base"


def test_domain_errors_are_shown_as_written_through_any_wrapper():
    inner = UnknownTicker("No price data found for `ZZZZ`. Is the symbol right?")
    hybrid = commands.HybridCommandError(app_commands.CommandInvokeError(_Command(), inner))
    for error in (inner, commands.CommandInvokeError(inner), hybrid):
        assert unwrap(error) is inner
        reply = describe_error(error)
        assert reply.expected and reply.text == f"⚠️ {inner}"
    assert describe_error(DataTimeout("slow")).text == "📡 slow"


@pytest.mark.parametrize(
    ("error", "needle"),
    [
        (commands.MissingRequiredArgument(commands.Parameter("ticker", inspect.Parameter.POSITIONAL_OR_KEYWORD)),
         "Missing `ticker`"),
        (commands.TooManyArguments(), "Too many arguments"),
        (commands.UnexpectedQuoteError('"'), "check the quotes"),
        (commands.CommandOnCooldown(commands.Cooldown(3, 30), 12.4, commands.BucketType.user), "try again in 12 s"),
        (commands.MissingPermissions(["manage_guild"]), "Manage Server"),
        (app_commands.MissingPermissions(["manage_guild"]), "Manage Server"),
        (commands.BotMissingPermissions(["attach_files"]), "I need the Attach Files"),
        (commands.NotOwner(), "owner"),
        (commands.NoPrivateMessage(), "only works in a server"),
        (commands.CheckFailure(), "can't use this command"),
    ],
)
def test_library_errors_become_friendly_text(error, needle):
    reply = describe_error(error)
    assert reply.expected and needle in reply.text and len(reply.text) < 300


def test_unknown_commands_are_silent_and_bugs_get_the_apology():
    assert describe_error(commands.CommandNotFound("x")).text is None
    reply = describe_error(commands.CommandInvokeError(KeyError("boom")))
    assert reply == type(reply)(APOLOGY, expected=False)


def test_usage_line_comes_from_the_command():
    @commands.command(name="base", extras={"examples": ["base IWM"]})
    async def base(ctx, ticker: str):
        pass

    error = commands.MissingRequiredArgument(commands.Parameter("ticker", inspect.Parameter.POSITIONAL_OR_KEYWORD))
    assert describe_error(error, base, "$").text == "⚠️ Missing `ticker`. Usage: `$base <ticker>` — e.g. `$base IWM`"
    assert describe_error(InvalidTicker("bad"), base).text == "⚠️ bad"


def test_permission_names():
    assert permission_names(["manage_guild", "read_message_history"]) == "Manage Server, Read Message History"
