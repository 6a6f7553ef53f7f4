"""The server of a guild-only command."""

from __future__ import annotations

import discord
from discord.ext import commands


def guild_of(ctx: commands.Context) -> discord.Guild:
    """``ctx.guild`` of a command marked ``commands.guild_only()``: its check runs first, so a
    direct message never gets here; should one, it fails as that check does."""
    if ctx.guild is None:
        raise commands.NoPrivateMessage()
    return ctx.guild
