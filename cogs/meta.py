"""``help``, ``about`` and the owner-only ``sync``."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.app.client import BreakoutBot
from bot.app.deadline import deadline_for, within
from bot.app.hybrid import hybrid_command
from bot.app.replies import send_reply
from bot.errors import BreakoutError, DataSourceError
from bot.words import meta as meta_words

log = logging.getLogger(__name__)

FRESHNESS_TICKER = "SPY"
FRESHNESS_DAYS = 14


def command_lines(bot: commands.Bot, prefix: str) -> list[tuple[str, str]]:
    """(name, text) for every visible command, with its first example."""
    out = []
    for command in sorted(bot.walk_commands(), key=lambda c: c.qualified_name):
        if command.hidden or isinstance(command, commands.Group) and not command.invoke_without_command:
            continue
        examples = (command.extras or {}).get("examples") or ()
        text = command.short_doc or command.description or "—"
        if examples:
            text += "\n" + " · ".join(f"`{prefix}{e}`" for e in examples[:3])
        out.append((f"{prefix}{command.qualified_name}", text))
    return out


class Meta(commands.Cog):
    """About the bot itself."""

    def __init__(self, bot: BreakoutBot):
        self.bot = bot
        self.started = time.monotonic()
        self.freshness_days = FRESHNESS_DAYS

    @hybrid_command(name="help", description="What the bot can do, with examples",
                             extras={"examples": ["help"]})
    async def help(self, ctx: commands.Context) -> None:
        prefix = getattr(self.bot.settings, "prefix", "!")
        embed = discord.Embed(
            title="breakout-bot commands",
            colour=discord.Colour.blurple(),
            description=(f"Use `{prefix}command` or `/command`. A base is the range a ticker keeps "
                         "failing to clear; the bot finds its resistance, support and tests."),
        )
        for name, text in command_lines(self.bot, prefix)[:25]:
            embed.add_field(name=name, value=text[:1024], inline=False)
        await send_reply(ctx, embed=embed)

    async def _freshness(self) -> str:
        source, days = self.bot.services.source, self.freshness_days
        try:
            latest = await within(source.latest_bar(FRESHNESS_TICKER, days=days), deadline_for(self.bot.settings))
        except DataSourceError as exc:
            return f"the data source is unavailable: {exc}"
        except BreakoutError:
            return f"no {FRESHNESS_TICKER} bars in the last {days} days"
        last = latest.date.isoformat()
        return f"latest {FRESHNESS_TICKER} bar {last}" + (" (cached: the source is down)" if latest.stale else "")

    @hybrid_command(name="about", description="Version, data source and how fresh the data is",
                             extras={"examples": ["about"]})
    async def about(self, ctx: commands.Context) -> None:
        await ctx.defer()
        uptime = timedelta(seconds=int(time.monotonic() - self.started))
        embed = discord.Embed(title="breakout-bot", colour=discord.Colour.blurple(),
                              description="Bases, breakouts and failed breakouts for trading groups.")
        embed.add_field(name="Version", value=__version__)
        embed.add_field(name="Data source", value=self.bot.services.source.name)
        embed.add_field(name="Data freshness", value=(await self._freshness())[:1024], inline=False)
        embed.add_field(name="Servers", value=str(len(self.bot.guilds)))
        embed.add_field(name="Uptime", value=str(uptime))
        failed = getattr(self.bot, "failed_extensions", {})
        if failed:
            embed.add_field(name="Modules not loaded", value=", ".join(failed)[:1024], inline=False)
        embed.add_field(name="Disclaimer", value=meta_words.NOT_ADVICE, inline=False)
        await send_reply(ctx, embed=embed)

    @commands.command(name="sync", hidden=True, ignore_extra=False,
                      extras={"examples": ["sync", "sync here", "sync clear"]})
    @commands.is_owner()
    async def sync(self, ctx: commands.Context, scope: Literal["global", "here", "clear"] = "global") -> None:
        """Owner only: publish slash commands (global, to this server now, or clear this server's copy)."""
        tree: app_commands.CommandTree = self.bot.tree
        if scope in ("here", "clear"):
            if ctx.guild is None:
                raise commands.NoPrivateMessage()
            if scope == "here":
                tree.copy_global_to(guild=ctx.guild)
            else:
                tree.clear_commands(guild=ctx.guild)
            synced = await tree.sync(guild=ctx.guild)
        else:
            synced = await tree.sync()
        here = scope in ("here", "clear")
        log.info("synced %d application commands to %s by %s", len(synced), "one server" if here else "all servers",
                 ctx.author.id)
        await send_reply(ctx, content=meta_words.synced(len(synced), here=here))


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(Meta(bot))
