"""The one error handler for every command path.

``handle_command_error`` serves prefix and hybrid commands (``Bot.on_command_error``);
``handle_app_command_error`` serves pure slash commands (``bot.tree.on_error``). Both turn
an error into one short reply (ephemeral on slash) via :func:`describe_error`. Users never
see a traceback: domain errors and bad input are expected and logged at DEBUG; anything
else is logged with its context (command, guild, channel, user, arguments) and answered
with a generic apology. Nothing here re-raises.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.rate import SLOW_DOWN_REACTION, bucket_of, took_render_turn
from bot.app.replies import NO_MENTIONS
from bot.errors import BadArgument, BreakoutError, DataSourceError, InvalidTicker, StoreUnavailable, TooManyTickers
from bot.logs import tracebacks
from bot.store.faults import is_store_fault
from bot.words import errors as words

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class ErrorReply:
    """What to tell the user; ``expected`` is False for bugs (logged with a traceback)."""

    text: str | None  # None: stay silent (e.g. an unknown command)
    expected: bool = True


def permission_names(perms: list[str]) -> str:
    """``["manage_guild"]`` -> ``"Manage Server"`` (Discord's own wording)."""
    names = {"manage_guild": "Manage Server", "manage_channels": "Manage Channels",
             "attach_files": "Attach Files", "embed_links": "Embed Links",
             "send_messages": "Send Messages", "administrator": "Administrator"}
    return ", ".join(names.get(p, p.replace("_", " ").title()) for p in perms)


def unwrap(error: BaseException) -> BaseException:
    """Peel the library's wrappers to reach the error that actually happened."""
    while True:
        if isinstance(error, commands.HybridCommandError | commands.CommandInvokeError):
            error = error.original
        elif isinstance(error, app_commands.CommandInvokeError):
            error = error.original
        elif isinstance(error, commands.ConversionError) and isinstance(error.original, BreakoutError):
            error = error.original
        elif isinstance(error, app_commands.TransformerError) and isinstance(error.__cause__, BreakoutError):
            error = error.__cause__
        else:
            return error


def usage_line(command, prefix: str = "!") -> str:
    if command is None:
        return ""
    examples = (getattr(command, "extras", None) or {}).get("examples") or ()
    return words.usage(prefix, command.qualified_name, getattr(command, "signature", ""),
                       examples[0] if examples else None)


_OPTION_TAKES = {  # a slash option's type -> what it accepts, in words
    discord.AppCommandOptionType.integer: "a whole number", discord.AppCommandOptionType.number: "a number",
    discord.AppCommandOptionType.boolean: "true or false", discord.AppCommandOptionType.channel: "a channel",
    discord.AppCommandOptionType.role: "a role", discord.AppCommandOptionType.user: "a member",
    discord.AppCommandOptionType.mentionable: "a member or a role",
}


def accepted_by(param) -> str:
    """What an argument takes, in words, from its annotation (never the library's converter text)."""
    import typing

    converter = getattr(param, "converter", None) or getattr(param, "annotation", None)
    args = [a for a in typing.get_args(converter) if a is not type(None)]
    if typing.get_origin(converter) is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if args:
        converter = args[0]
    if converter is int:
        return "a whole number"
    if converter is float:
        return "a number"
    if converter is bool:
        return "yes or no"
    if converter is discord.TextChannel:
        return "a text channel of this server (#name)"
    if converter is discord.Role:
        return "a role of this server (@name)"
    if converter in (discord.Member, discord.User):
        return "a member of this server (@name)"
    return "what the usage line shows"


def _library_bad_argument(error: commands.UserInputError, command, prefix: str, ctx) -> str:
    param = getattr(ctx, "current_parameter", None) if ctx is not None else None
    value = getattr(ctx, "current_argument", None) if ctx is not None else None
    if param is None:
        return words.bad_input("I could not read that.", usage_line(command, prefix))
    return words.not_accepted(value if value is not None else "", param.name, accepted_by(param),
                              usage_line(command, prefix))


def describe_error(error: BaseException, command=None, prefix: str = "!", ctx=None) -> ErrorReply:
    """Map any error from any command path to the reply the user sees."""
    reply = _describe(error, command, prefix, ctx)
    return reply if reply.text is None else ErrorReply(words.scrubbed(reply.text), reply.expected)


def _describe(error: BaseException, command, prefix: str, ctx) -> ErrorReply:
    error = unwrap(error)
    if is_store_fault(error):  # the store away (frozen, locked, full): the one sentence, never its text
        return ErrorReply(words.STORE_DOWN)
    if isinstance(error, DataSourceError):
        return ErrorReply(words.source_problem(getattr(error, "public", None) or str(error)))
    if isinstance(error, BreakoutError):
        return ErrorReply(words.domain_problem(getattr(error, "public", None) or str(error)))
    if isinstance(error, commands.CommandNotFound | app_commands.CommandNotFound):
        return ErrorReply(None)
    if isinstance(error, commands.MissingRequiredArgument):
        return ErrorReply(words.missing_argument(error.param.name, usage_line(command, prefix)))
    if isinstance(error, commands.TooManyArguments):
        return ErrorReply(words.too_many_arguments(usage_line(command, prefix)))
    if isinstance(error, commands.ArgumentParsingError):
        return ErrorReply(words.unreadable(usage_line(command, prefix)))
    if isinstance(error, commands.UserInputError):  # a converter's own text never reaches a member
        return ErrorReply(_library_bad_argument(error, command, prefix, ctx))
    if isinstance(error, commands.CommandOnCooldown | app_commands.CommandOnCooldown):
        return ErrorReply(words.cooldown(error.retry_after))
    if isinstance(error, commands.MaxConcurrencyReached):
        return ErrorReply(words.STILL_WORKING)
    if isinstance(error, commands.MissingPermissions | app_commands.MissingPermissions):
        return ErrorReply(words.you_need(permission_names(error.missing_permissions)))
    if isinstance(error, commands.BotMissingPermissions | app_commands.BotMissingPermissions):
        return ErrorReply(words.i_need(permission_names(error.missing_permissions)))
    if isinstance(error, commands.NotOwner):
        return ErrorReply(words.OWNER_ONLY)
    if isinstance(error, commands.NoPrivateMessage | app_commands.NoPrivateMessage):
        return ErrorReply(words.ONLY_IN_SERVERS)
    if isinstance(error, commands.CheckFailure | app_commands.CheckFailure):
        return ErrorReply(words.NOT_HERE)
    if isinstance(error, commands.DisabledCommand):
        return ErrorReply(words.SWITCHED_OFF)
    if isinstance(error, app_commands.TransformerError):
        return ErrorReply(words.not_valid_there(str(error.value), _OPTION_TAKES.get(error.type)))
    if isinstance(error, app_commands.CommandSignatureMismatch):
        return ErrorReply(words.OUT_OF_SYNC)
    if isinstance(error, discord.Forbidden):
        return ErrorReply(words.DISCORD_REFUSED)
    return ErrorReply(words.APOLOGY, expected=False)


def _context_of_ctx(ctx: commands.Context) -> str:
    return (f"command={ctx.command and ctx.command.qualified_name!r} guild={ctx.guild and ctx.guild.id} "
            f"channel={ctx.channel and ctx.channel.id} user={ctx.author and ctx.author.id} "
            f"slash={ctx.interaction is not None} args={(ctx.message.content if ctx.interaction is None else dict(ctx.kwargs))!r}")


def _context_of_interaction(interaction: discord.Interaction) -> str:
    command = interaction.command
    return (f"command={command and command.qualified_name!r} guild={interaction.guild_id} "
            f"channel={interaction.channel_id} user={interaction.user and interaction.user.id} "
            f"args={dict(interaction.namespace)!r}")


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Reply only the invoking user sees, whether or not the interaction was deferred."""
    response = interaction.response
    if not response.is_done():
        await response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return
    if response.type is discord.InteractionResponseType.deferred_channel_message:
        # A public "thinking…" placeholder is pending: remove it so the error stays private.
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            log.debug("could not delete the deferred response", exc_info=True)
    await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def send_error_reply(ctx: commands.Context, text: str) -> None:
    if ctx.interaction is not None:
        await send_ephemeral(ctx.interaction, text)
    else:
        reference = ctx.message.to_reference(fail_if_not_exists=False)
        await ctx.send(text, reference=reference, allowed_mentions=NO_MENTIONS)


def _prefix_of(ctx: commands.Context) -> str:
    if ctx.interaction is not None:
        return "/"
    settings = getattr(ctx.bot, "settings", None)
    return getattr(settings, "prefix", "!") if ctx.prefix is None or "<@" in ctx.prefix else ctx.prefix


def _log_expected(client, error: BaseException, where: str) -> None:
    """An expected error: DEBUG; a store fault raised past the store's own tracker (which already
    said it once) is told to it, so the outage is still one WARNING line."""
    error = unwrap(error)
    if is_store_fault(error) and not isinstance(error, StoreUnavailable):
        db = getattr(getattr(client, "services", None), "db", None)
        if db is not None:
            db.outage.failed(error, where=where)
        else:
            log.warning("the database failed (%s): %s", where, error, exc_info=error if tracebacks() else None)
    public = getattr(error, "public", None)
    if public and public != str(error):  # what the member was not shown (a file's path) is the operator's
        log.warning("%s (%s)", error, where)
    log.debug("command error (%s): %s", where, error)


# Rejected before any work was done: a typo should not use up the user's cooldown.
_FREE_ERRORS = (InvalidTicker, BadArgument, TooManyTickers, commands.UserInputError)


async def _react_slow_down(ctx: commands.Context) -> None:
    try:
        await ctx.message.add_reaction(SLOW_DOWN_REACTION)
    except discord.HTTPException as exc:  # no Add Reactions permission: stay silent
        log.debug("could not react to %s: %s", ctx.message.id, exc)


async def handle_command_error(ctx: commands.Context, error: BaseException) -> None:
    """``on_command_error`` for prefix and hybrid commands. Never raises."""
    try:
        reply = describe_error(error, ctx.command, _prefix_of(ctx), ctx)
        inner = unwrap(error)
        if isinstance(inner, _FREE_ERRORS) and took_render_turn(ctx):
            bucket_of(ctx.bot).give_back(ctx.author.id)
        if isinstance(inner, commands.CommandOnCooldown) and ctx.interaction is None:
            if not bucket_of(ctx.bot).should_say(ctx.author.id, inner.retry_after):
                await _react_slow_down(ctx)  # said once this window: no more noise than the spam itself
                return
        if reply.expected:
            _log_expected(ctx.bot, error, _context_of_ctx(ctx))
        else:
            log.error("unexpected error in command (%s)", _context_of_ctx(ctx), exc_info=unwrap(error))
        if reply.text:
            await send_error_reply(ctx, reply.text)
    except Exception:
        log.exception("the error handler itself failed (%s)", _context_of_ctx(ctx))


async def handle_app_command_error(interaction: discord.Interaction, error: BaseException) -> None:
    """``tree.on_error`` for slash commands that are not hybrid. Never raises."""
    try:
        reply = describe_error(error, None, "/")
        if reply.expected:
            _log_expected(interaction.client, error, _context_of_interaction(interaction))
        else:
            log.error("unexpected error in app command (%s)", _context_of_interaction(interaction),
                      exc_info=unwrap(error))
        if reply.text:
            await send_ephemeral(interaction, reply.text)
    except Exception:
        log.exception("the error handler itself failed (%s)", _context_of_interaction(interaction))


async def handle_view_error(interaction: discord.Interaction, error: BaseException, what: str) -> None:
    """Errors raised by a button callback (a View's ``on_error``). Never raises."""
    try:
        reply = describe_error(error, None, "/")
        if reply.expected:
            _log_expected(interaction.client, error, what)
        else:
            log.error("unexpected error in %s (guild=%s user=%s)", what, interaction.guild_id,
                      interaction.user and interaction.user.id, exc_info=unwrap(error))
        if reply.text:
            await send_ephemeral(interaction, reply.text)
    except Exception:
        log.exception("the error handler itself failed in %s", what)
