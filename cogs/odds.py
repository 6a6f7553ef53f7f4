"""``odds``: how past breakouts went (the base-rate table ``python -m bot study`` made), by kind,
or a ticker's own past breakouts next to its group's rates (prefix and slash, one body).

Thin adapter: a kind or a ticker, the service, one embed with the outcome picture. The chart
cooldown is the chart commands' (cogs/charts.py)."""

from __future__ import annotations

from typing import Optional

from discord import app_commands
from discord.ext import commands

from bot.app import embeds
from bot.app.client import BreakoutBot
from bot.app.deadline import deadline_for, within
from bot.app.hybrid import hybrid_command
from bot.app.rate import renders
from bot.app.replies import send_reply, working
from bot.services.odds import kind_of_word
from bot.tickers import normalize_ticker


class Odds(commands.Cog):
    """Our own measured odds of past breakouts."""

    def __init__(self, bot: BreakoutBot):
        self.bot = bot

    @hybrid_command(
        name="odds",
        description="How past breakouts went: by kind (record, major, nearest) or a ticker's own",
        extras={"examples": ["odds", "odds record", "odds IWM"]},
    )
    @app_commands.describe(what="record, major or nearest; or a ticker such as IWM (default: every kind)")
    @renders()  # the member's one bucket for everything that renders or screens (bot.app.rate)
    async def odds(self, ctx: commands.Context, what: Optional[str] = None) -> None:
        kind = kind_of_word(what)
        ticker = normalize_ticker(what) if what and kind is None else None
        async with working(ctx):
            if ticker is None:
                report = await self.bot.services.odds.rates(kind)
            else:
                report = await within(self.bot.services.odds.ticker(ticker), deadline_for(self.bot.settings))
        await send_reply(ctx, embed=embeds.odds_embed(report), file=embeds.chart_file(report))


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(Odds(bot))
