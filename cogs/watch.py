"""``watch add/remove/list``: the tickers this server tracks for announcements; ``history``.

Anyone may list; adding and removing needs Manage Server. Guild-only.
"""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.app.client import BreakoutBot
from bot.app.guild import guild_of
from bot.app.hybrid import hybrid_command, hybrid_group
from bot.app.rate import renders
from bot.app.replies import command_prefix, send_reply, working
from bot.services.composition import Services
from bot.services.watchlist import DEFAULT_WATCHLIST, MAX_WATCHLIST
from bot.words import watchlist as watchlist_words

_TICKERS_HELP = "Tickers separated by spaces, e.g. IWM SPY QQQ"


class Watch(commands.Cog):
    """The server's watchlist."""

    def __init__(self, bot: BreakoutBot):
        self.bot = bot

    @property
    def services(self) -> Services:
        return self.bot.services

    @hybrid_group(name="watch", invoke_without_command=True,
                           description="The tickers this server tracks for breakout announcements",
                           extras={"examples": ["watch list", "watch add IWM SPY", "watch remove SPY"]})
    @commands.guild_only()
    async def watch(self, ctx: commands.Context) -> None:
        await self._send_list(ctx)

    @watch.command(name="list", description="Tracked tickers, their status and distance to resistance",
                   extras={"examples": ["watch list"]})
    async def watch_list(self, ctx: commands.Context) -> None:
        await self._send_list(ctx)

    @watch.command(name="add", description=f"Track tickers for announcements (Manage Server; max {MAX_WATCHLIST})",
                   extras={"examples": ["watch add IWM", "watch add XLK XLF XLE"]})
    @app_commands.describe(tickers=_TICKERS_HELP)
    @commands.has_guild_permissions(manage_guild=True)
    async def watch_add(self, ctx: commands.Context, *, tickers: str) -> None:
        async with working(ctx):
            result = await self.services.watchlist.track(guild_of(ctx).id, tickers)
        reply = watchlist_words.tracked_change(added=result.added, already=result.already, total=result.total,
                                               limit=MAX_WATCHLIST)
        await send_reply(ctx, content=f"{reply} {await self._what_it_means(ctx)}")

    @watch.command(name="remove", description="Stop tracking tickers (Manage Server)",
                   extras={"examples": ["watch remove SPY"]})
    @app_commands.describe(tickers=_TICKERS_HELP)
    @commands.has_guild_permissions(manage_guild=True)
    async def watch_remove(self, ctx: commands.Context, *, tickers: str) -> None:
        result = await self.services.watchlist.untrack(guild_of(ctx).id, tickers)
        reply = watchlist_words.untracked_change(removed=result.removed, missing=result.missing, total=result.total,
                                                 limit=MAX_WATCHLIST)
        await send_reply(ctx, content=f"{reply} {await self._what_it_means(ctx)}")

    @hybrid_command(name="history", description="A ticker's past breakouts and how each one ended",
                             extras={"examples": ["history IWM", "history SPY 5"]})
    @app_commands.describe(ticker="Ticker symbol, e.g. IWM", years="Years to look back (1-10, default 3)")
    @renders()
    async def history(self, ctx: commands.Context, ticker: str, years: int = 3) -> None:
        async with working(ctx):
            report = await self.services.history.recent(ticker, years=years)
        text = "\n".join([f"**{report.title}**", *report.lines[-15:], f"-# {report.footer}"])
        await send_reply(ctx, content=text[:1990])

    async def _what_it_means(self, ctx: commands.Context) -> str:
        settings = await self.services.watchlist.settings(guild_of(ctx).id)
        return watchlist_words.after_change(alerts_on=settings.alerts_enabled,
                                            defaults_offered=settings.defaults_added, prefix=command_prefix(ctx),
                                            defaults=DEFAULT_WATCHLIST)

    async def _send_list(self, ctx: commands.Context) -> None:
        async with working(ctx):
            lines = await self.services.watchlist.lines(guild_of(ctx).id)
        if not lines:
            settings = await self.services.watchlist.settings(guild_of(ctx).id)
            await send_reply(ctx, content=watchlist_words.empty_watchlist(
                defaults_offered=settings.defaults_added, prefix=command_prefix(ctx), defaults=DEFAULT_WATCHLIST))
            return
        header = f"**Tracked tickers ({len(lines)}/{MAX_WATCHLIST})**"
        text = "\n".join([header, *lines])
        if len(text) > 1990:  # Discord's message limit: the list can hold 50 long lines
            kept, size = [header], len(header)
            for line in lines:
                if size + len(line) + 1 > 1950:
                    break
                kept.append(line)
                size += len(line) + 1
            kept.append(f"… and {len(lines) - len(kept) + 1} more.")
            text = "\n".join(kept)
        await send_reply(ctx, content=text)


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(Watch(bot))
