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

from bot.app.replies import NO_MENTIONS
from bot.errors import BadArgument, BreakoutError, DataSourceError, InvalidTicker, TooManyTickers

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again later."


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
        elif isinstance(error, app_commands.TransformerError) and isinstance(error.__cause__, BreakoutError):
            error = error.__cause__
        else:
            return error


def usage_line(command, prefix: str = "!") -> str:
    if command is None:
        return ""
    examples = (getattr(command, "extras", None) or {}).get("examples") or ()
    sig = getattr(command, "signature", "")
    line = f"Usage: `{prefix}{command.qualified_name}{' ' + sig if sig else ''}`"
    if examples:
        line += f" — e.g. `{prefix}{examples[0]}`"
    return line


def describe_error(error: BaseException, command=None, prefix: str = "!") -> ErrorReply:
    """Map any error from any command path to the reply the user sees."""
    error = unwrap(error)
    if isinstance(error, DataSourceError):
        return ErrorReply(f"📡 {error}")
    if isinstance(error, BreakoutError):
        return ErrorReply(f"⚠️ {error}")
    if isinstance(error, commands.CommandNotFound | app_commands.CommandNotFound):
        return ErrorReply(None)
    if isinstance(error, commands.MissingRequiredArgument):
        return ErrorReply(f"⚠️ Missing `{error.param.name}`. {usage_line(command, prefix)}")
    if isinstance(error, commands.TooManyArguments):
        return ErrorReply(f"⚠️ Too many arguments. {usage_line(command, prefix)}")
    if isinstance(error, commands.ArgumentParsingError):
        return ErrorReply(f"⚠️ I could not read that (check the quotes). {usage_line(command, prefix)}")
    if isinstance(error, commands.UserInputError):
        return ErrorReply(f"⚠️ {error} {usage_line(command, prefix)}".strip())
    if isinstance(error, commands.CommandOnCooldown | app_commands.CommandOnCooldown):
        return ErrorReply(f"⏳ Slow down a little: try again in {error.retry_after:.0f} s.")
    if isinstance(error, commands.MaxConcurrencyReached):
        return ErrorReply("⏳ I am still working on your previous request; try again in a moment.")
    if isinstance(error, commands.MissingPermissions | app_commands.MissingPermissions):
        return ErrorReply(f"🔒 You need the {permission_names(error.missing_permissions)} permission for this.")
    if isinstance(error, commands.BotMissingPermissions | app_commands.BotMissingPermissions):
        return ErrorReply(f"🔒 I need the {permission_names(error.missing_permissions)} permission in this channel.")
    if isinstance(error, commands.NotOwner):
        return ErrorReply("🔒 Only the bot's owner can do that.")
    if isinstance(error, commands.NoPrivateMessage | app_commands.NoPrivateMessage):
        return ErrorReply("This command only works in a server, not in direct messages.")
    if isinstance(error, commands.CheckFailure | app_commands.CheckFailure):
        return ErrorReply("🔒 You can't use this command here.")
    if isinstance(error, commands.DisabledCommand):
        return ErrorReply("This command is switched off right now.")
    if isinstance(error, app_commands.TransformerError):
        return ErrorReply(f"⚠️ `{str(error.value)[:20]}` is not valid there.")
    if isinstance(error, app_commands.CommandSignatureMismatch):
        return ErrorReply("This command changed since Discord last synced it; please try again in a few minutes.")
    if isinstance(error, discord.Forbidden):
        return ErrorReply("🔒 Discord refused that: I am missing a permission in this channel.")
    return ErrorReply(APOLOGY, expected=False)


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


# Rejected before any work was done: a typo should not use up the user's cooldown.
_FREE_ERRORS = (InvalidTicker, BadArgument, TooManyTickers, commands.UserInputError)


async def handle_command_error(ctx: commands.Context, error: BaseException) -> None:
    """``on_command_error`` for prefix and hybrid commands. Never raises."""
    try:
        reply = describe_error(error, ctx.command, _prefix_of(ctx))
        if ctx.command is not None and isinstance(unwrap(error), _FREE_ERRORS):
            ctx.command.reset_cooldown(ctx)
        if reply.expected:
            log.debug("command error (%s): %s", _context_of_ctx(ctx), unwrap(error))
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
            log.debug("app command error (%s): %s", _context_of_interaction(interaction), unwrap(error))
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
            log.debug("view error in %s: %s", what, unwrap(error))
        else:
            log.error("unexpected error in %s (guild=%s user=%s)", what, interaction.guild_id,
                      interaction.user and interaction.user.id, exc_info=unwrap(error))
        if reply.text:
            await send_ephemeral(interaction, reply.text)
    except Exception:
        log.exception("the error handler itself failed in %s", what)
