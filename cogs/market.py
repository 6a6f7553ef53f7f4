"""``market [SPY|QQQ|IWM]``: the market's state (uptrend, under pressure, correction) with a
chart of the index marking distribution and follow-through days. Without an index, a server's
choice (`alerts market`) applies, else SPY.

Thin adapter, like the chart commands: check the word before deferring, call the service, lay
the report out. Errors go to the bot's one error handler.
"""

from __future__ import annotations

from typing import Optional

from discord import app_commands
from discord.ext import commands

from bot.app import embeds
from bot.app.client import BreakoutBot
from bot.app.deadline import deadline_for, within
from bot.app.hybrid import hybrid_command
from bot.app.market_embed import market_embed
from bot.app.rate import renders
from bot.app.replies import send_reply, working
from bot.services.composition import Services
from bot.services.market_index import DEFAULT_INDEX, INDEXES, parse_market_index

INDEX_CHOICES = [app_commands.Choice(name=i, value=i) for i in INDEXES]


class Market(commands.Cog):
    """The market's state."""

    def __init__(self, bot: BreakoutBot):
        self.bot = bot

    @property
    def services(self) -> Services:
        return self.bot.services

    async def _server_index(self, ctx: commands.Context) -> str:
        if ctx.guild is None or self.services.db is None:
            return DEFAULT_INDEX
        return await self.services.alerts.market_index(ctx.guild.id)

    @hybrid_command(
        name="market",
        description="The market's state (uptrend, under pressure, correction) with distribution days",
        extras={"examples": ["market", "market QQQ"]},
    )
    @app_commands.describe(index="SPY, QQQ or IWM (default: this server's choice, else SPY)")
    @app_commands.choices(index=INDEX_CHOICES)
    @renders()  # the member's one bucket for everything that renders or screens (bot.app.rate)
    async def market(self, ctx: commands.Context, index: Optional[str] = None) -> None:
        chosen = parse_market_index(index)
        async with working(ctx):
            chosen = chosen or await self._server_index(ctx)
            report = await within(self.services.market_state.report(chosen), deadline_for(self.bot.settings))
        await send_reply(ctx, embed=market_embed(report), file=embeds.chart_file(report))


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(Market(bot))
