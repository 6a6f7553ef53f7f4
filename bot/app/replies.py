"""Sending a command's answer the same way on the prefix and the slash path."""

from __future__ import annotations

import contextlib

import discord
from discord.ext import commands

NO_MENTIONS = discord.AllowedMentions.none()


async def send_reply(ctx: commands.Context, **kwargs) -> discord.Message:
    """``ctx.send`` with no pings; on the prefix path it replies to the invoking message."""
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if ctx.interaction is None:
        kwargs.setdefault("reference", ctx.message.to_reference(fail_if_not_exists=False))
    return await ctx.send(**kwargs)


def command_prefix(ctx: commands.Context) -> str:
    """How the person typed commands: ``/`` for slash, else the bot's prefix (``!``)."""
    if ctx.interaction is not None:
        return "/"
    return getattr(getattr(ctx.bot, "settings", None), "prefix", "!")


@contextlib.asynccontextmanager
async def working(ctx: commands.Context):
    """Acknowledge slow work: defer a slash command, show "typing…" on the prefix path."""
    if ctx.interaction is not None:
        await ctx.defer()
        yield
        return
    try:
        typing = ctx.typing()
        await typing.__aenter__()
    except discord.HTTPException:  # no typing permission: carry on without the indicator
        typing = None
    try:
        yield
    finally:
        if typing is not None:
            await typing.__aexit__(None, None, None)
