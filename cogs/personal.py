"""``alert add/list/remove/via``: alerts each member sets for themselves (no Manage Server needed).

What a member sets is theirs alone: on slash every answer is ephemeral; `!alert list` answers by
DM. A member's alerts go when they leave the server (Discord's member-remove event, sent to
bots with the members intent; without it the delivery finds them gone), when the bot leaves it, or with
`alert remove all`. Guild-only.
"""

from __future__ import annotations

from typing import Optional

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import BreakoutBot
from bot.app.guild import guild_of
from bot.app.hybrid import hybrid_group
from bot.app.replies import send_reply
from bot.services.composition import Services
from bot.words import personal as words

WHAT_CHOICES = [app_commands.Choice(name=n, value=v) for n, v in (
    ("closes above a level", "above"), ("closes below a level", "below"), ("breaks out", "breakout"),
    ("breakout fails", "failed"), ("tests resistance", "test"), ("any breakout event", "any"),
    ("daily move of at least N%", "move"))]


async def private_reply(ctx: commands.Context, text: str) -> None:
    """Ephemeral on slash; on the prefix path a reply to the member's own message."""
    if ctx.interaction is not None:
        await ctx.send(content=text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
    else:
        await send_reply(ctx, content=text)


class PersonalAlerts(commands.Cog):
    """Alerts for yourself: a level, a breakout, a big move — by DM."""

    def __init__(self, bot: BreakoutBot):
        self.bot = bot

    @property
    def services(self) -> Services:
        return self.bot.services

    @hybrid_group(name="alert", invoke_without_command=True,
                           description="Your own alerts: a level, a breakout or a big move, by DM",
                           extras={"examples": ["alert add IWM above 200", "alert list", "alert remove 1"]})
    @commands.guild_only()
    async def alert(self, ctx: commands.Context) -> None:
        await private_reply(ctx, words.USAGE)

    @alert.command(name="add", description="Tell me when a ticker closes beyond a level, breaks out, or moves",
                   extras={"examples": ["alert add IWM above 200", "alert add IWM breakout", "alert add IWM move 5%"]})
    @app_commands.describe(ticker="Ticker symbol, e.g. IWM", what="What to watch for",
                           value="The level (above/below) or the move in % (move)")
    @app_commands.choices(what=WHAT_CHOICES)
    async def alert_add(self, ctx: commands.Context, ticker: str, what: str, value: Optional[str] = None) -> None:
        added = await self.services.personal.add(guild_of(ctx).id, ctx.author.id, ticker, what, value)
        await private_reply(ctx, words.added(added.alert.text, count=added.count, most=added.most, via=added.via,
                                             scanned_daily=added.scanned_daily))

    @alert.command(name="list", description="Your alerts in this server (only you see them)",
                   extras={"examples": ["alert list"]})
    async def alert_list(self, ctx: commands.Context) -> None:
        listing = await self.services.personal.listing(guild_of(ctx).id, ctx.author.id)
        text = "\n".join(words.list_lines(listing.alerts, via=listing.via, channel_fallback=listing.has_channel))
        if ctx.interaction is not None:
            await ctx.send(content=text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
            return
        try:  # never in the channel: by DM
            await ctx.author.send(content=f"**{guild_of(ctx).name}**\n{text}", allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden:
            await send_reply(ctx, content=words.list_dm_closed())
            return
        await send_reply(ctx, content=words.list_sent_by_dm())

    @alert.command(name="remove", description="Remove one of your alerts (its number in `alert list`), or all",
                   extras={"examples": ["alert remove 2", "alert remove all"]})
    @app_commands.describe(which="The alert's number in `alert list`, or `all`")
    async def alert_remove(self, ctx: commands.Context, which: str) -> None:
        text, _ = await self.services.personal.remove(guild_of(ctx).id, ctx.author.id, which)
        await private_reply(ctx, text)

    @alert.command(name="via", description="Where your alerts go: by DM (default) or in the alerts channel",
                   extras={"examples": ["alert via dm", "alert via channel"]})
    @app_commands.describe(where="dm or channel")
    @app_commands.choices(where=[app_commands.Choice(name="DM", value="dm"),
                                 app_commands.Choice(name="Alerts channel (mentions you)", value="channel")])
    async def alert_via(self, ctx: commands.Context, where: str) -> None:
        await private_reply(ctx, await self.services.personal.set_via(guild_of(ctx).id, ctx.author.id, where))

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """Sent whether or not the member was cached (with the members intent)."""
        await self.services.personal.member_left(payload.guild_id, payload.user.id)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.services.personal.guild_left(guild.id)


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(PersonalAlerts(bot))
