"""``setups [universe] [status] [timeframe] [sort]``: what is setting up across a universe —
a ranked table (paged with buttons when long) and one grid picture. Prefix and slash, one body.

Thin adapter: the words are sorted by the service (``parse_request``: any order on the prefix
path), checked before deferring, then the screen runs under the command's deadline.
"""

from __future__ import annotations

from typing import Optional

from discord import app_commands
from discord.ext import commands

from bot.app import embeds
from bot.app.client import BreakoutBot
from bot.app.deadline import deadline_for, within
from bot.app.replies import send_reply, working
from bot.app.views import PagesView
from bot.services.composition import Services
from bot.services.setups import SORTS, STATUS_FILTERS, UNIVERSE_NAMES, parse_request

SETUPS_RATE = 2  # screens per user …
SETUPS_PER = 60.0  # … per this many seconds

STATUS_CHOICES = [app_commands.Choice(name=s.capitalize(), value=s) for s in STATUS_FILTERS]
TIMEFRAME_CHOICES = [app_commands.Choice(name="Weekly", value="weekly"),
                     app_commands.Choice(name="Daily", value="daily")]
SORT_CHOICES = [app_commands.Choice(name=s.capitalize(), value=s) for s in SORTS]
UNIVERSE_HELP = {"watchlist": "Watchlist (this server's)", "etfs": "ETFs (sectors, SPY QQQ IWM MDY DIA TLT GLD)",
                 "sp500": "S&P 500"}


async def universe_autocomplete(interaction, current: str) -> list[app_commands.Choice[str]]:
    text = (current or "").strip().lower()
    return [app_commands.Choice(name=UNIVERSE_HELP.get(u, u), value=u) for u in UNIVERSE_NAMES
            if text in u or text in UNIVERSE_HELP.get(u, "").lower()][:25]


class Setups(commands.Cog):
    """Screens: what is testing resistance, breaking out or failing across a universe."""

    def __init__(self, bot: BreakoutBot):
        self.bot = bot

    @property
    def services(self) -> Services:
        return self.bot.services

    @commands.hybrid_command(
        name="setups",
        description="What is setting up across a universe: testing resistance, breaking out, failing",
        extras={"examples": ["setups", "setups etfs", "setups sp500 testing", "setups etfs near 5%", "setups etfs daily"]},
    )
    @app_commands.describe(
        universe="watchlist (default), etfs or sp500",
        status="Only these: testing, breakout, failed, near (within 3% of resistance)",
        timeframe="Bases on weekly (default) or daily bars",
        sort="Order: distance to resistance (default), base length, number of tests",
        near="Near means within this many percent of resistance (default 3)",
    )
    @app_commands.choices(status=STATUS_CHOICES, timeframe=TIMEFRAME_CHOICES, sort=SORT_CHOICES)
    @app_commands.autocomplete(universe=universe_autocomplete)
    @commands.cooldown(SETUPS_RATE, SETUPS_PER, commands.BucketType.user)
    async def setups(self, ctx: commands.Context, universe: Optional[str] = None, status: Optional[str] = None,
                     timeframe: Optional[str] = None, sort: Optional[str] = None,
                     near: Optional[float] = None) -> None:
        request = parse_request([universe, status, timeframe, sort], near=near)
        guild_id = ctx.guild.id if ctx.guild is not None else None
        async with working(ctx):
            report = await within(self.services.setups.report(request, guild_id=guild_id),
                                  deadline_for(self.bot.settings))
        view = PagesView(report, owner_id=ctx.author.id) if len(report.pages()) > 1 else None
        kwargs = {"embed": embeds.setups_embed(report)}
        if report.png:
            kwargs["file"] = embeds.chart_file(report)
        if view is not None:
            kwargs["view"] = view
        message = await send_reply(ctx, **kwargs)
        if view is not None:
            view.message = message


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(Setups(bot))
