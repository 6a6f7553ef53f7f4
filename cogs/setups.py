"""``setups [universe] [status] [timeframe] [sort]``: what is setting up across a universe —
a ranked table (paged with buttons when long) and one grid picture. Prefix and slash, one body.

Thin adapter: the words are sorted by the service (``parse_request``: any order on the prefix
path), checked before deferring, then the screen runs under the command's deadline.
"""

from __future__ import annotations

from typing import Any, Optional

from discord import app_commands
from discord.ext import commands

from bot.app import embeds
from bot.app.client import BreakoutBot
from bot.app.deadline import deadline_for, within
from bot.app.guild import guild_of
from bot.app.hybrid import hybrid_command, hybrid_group
from bot.app.rate import renders
from bot.app.replies import send_reply, working
from bot.app.views import PagesView
from bot.errors import StoreUnavailable
from bot.services.composition import Services
from bot.services.setups import SORTS, STATUS_FILTERS, UNIVERSE_NAMES
from bot.words import setups as setups_words

FETCH_SHARE = 0.6  # of the command's deadline, for the prices

STATUS_CHOICES = [app_commands.Choice(name=s.capitalize(), value=s) for s in STATUS_FILTERS]
TIMEFRAME_CHOICES = [app_commands.Choice(name="Weekly", value="weekly"),
                     app_commands.Choice(name="Daily", value="daily")]
SORT_CHOICES = [app_commands.Choice(name=s.capitalize(), value=s) for s in SORTS]


async def universe_autocomplete(interaction, current: str) -> list[app_commands.Choice[str]]:
    """The shipped universes, then the server's saved lists."""
    text = (current or "").strip().lower()
    saved = await _saved_names(interaction)
    names = [*UNIVERSE_NAMES, *saved]
    return [app_commands.Choice(name=setups_words.universe_label(u), value=u) for u in names
            if text in u or text in setups_words.universe_label(u).lower()][:25]


async def saved_list_autocomplete(interaction, current: str) -> list[app_commands.Choice[str]]:
    text = (current or "").strip().lower()
    saved = await _saved_names(interaction)
    return [app_commands.Choice(name=n, value=n) for n in saved if text in n][:25]


async def _saved_names(interaction) -> list[str]:
    """The server's saved lists; none while the store is away (suggestions never fail a keystroke)."""
    try:
        return await interaction.client.services.setups.list_names(interaction.guild_id)
    except StoreUnavailable:
        return []


class Setups(commands.Cog):
    """Screens: what is testing resistance, breaking out or failing across a universe."""

    def __init__(self, bot: BreakoutBot):
        self.bot = bot

    @property
    def services(self) -> Services:
        return self.bot.services

    @hybrid_command(
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
    @renders()
    async def setups(self, ctx: commands.Context, universe: Optional[str] = None, status: Optional[str] = None,
                     timeframe: Optional[str] = None, sort: Optional[str] = None,
                     near: Optional[float] = None) -> None:
        guild_id = ctx.guild.id if ctx.guild is not None else None
        request = await self.services.setups.request([universe, status, timeframe, sort], guild_id=guild_id,
                                                     near=near)
        deadline = deadline_for(self.bot.settings)
        async with working(ctx):
            # prices get 60 % of the deadline; a cold universe answers with what came in by then
            report = await within(self.services.setups.report(request, guild_id=guild_id,
                                                              fetch_budget=deadline * FETCH_SHARE), deadline)
        view = PagesView(report, owner_id=ctx.author.id) if len(report.pages()) > 1 else None
        kwargs: dict[str, Any] = {"embed": embeds.setups_embed(report)}
        if report.png:
            kwargs["file"] = embeds.chart_file(report)
        if view is not None:
            kwargs["view"] = view
        message = await send_reply(ctx, **kwargs)
        if view is not None:
            view.message = message


    # ---- a server's own lists ----------------------------------------------------------
    @hybrid_group(name="universe", invoke_without_command=True,
                           description="This server's saved ticker lists for setups",
                           extras={"examples": ["universe list", "universe save tech AAPL MSFT NVDA",
                                                "universe delete tech"]})
    @commands.guild_only()
    async def universe(self, ctx: commands.Context) -> None:
        await self._send_lists(ctx)

    @universe.command(name="list", description="The saved lists and their tickers",
                      extras={"examples": ["universe list"]})
    async def universe_list(self, ctx: commands.Context) -> None:
        await self._send_lists(ctx)

    @universe.command(name="save", description="Save (or replace) a named list of tickers (Manage Server)",
                      extras={"examples": ["universe save tech AAPL MSFT NVDA AMD"]})
    @app_commands.describe(name="The list's name, like tech", tickers="Tickers separated by spaces")
    @commands.has_guild_permissions(manage_guild=True)
    async def universe_save(self, ctx: commands.Context, name: str, *, tickers: str) -> None:
        saved = await self.services.setups.save_list(guild_of(ctx).id, name, tickers)
        await send_reply(ctx, content=setups_words.list_saved(saved.name, saved.tickers, saved.replaced))

    @universe.command(name="delete", description="Delete a saved list (Manage Server)",
                      extras={"examples": ["universe delete tech"]})
    @app_commands.describe(name="The list to delete")
    @app_commands.autocomplete(name=saved_list_autocomplete)
    @commands.has_guild_permissions(manage_guild=True)
    async def universe_delete(self, ctx: commands.Context, name: str) -> None:
        found = await self.services.setups.delete_list(guild_of(ctx).id, name)
        await send_reply(ctx, content=setups_words.list_deleted(name.strip().lower(), found))

    async def _send_lists(self, ctx: commands.Context) -> None:
        lists = await self.services.setups.saved_lists(guild_of(ctx).id)
        await send_reply(ctx, content=setups_words.lists_text([(x.name, x.tickers) for x in lists]))


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(Setups(bot))
