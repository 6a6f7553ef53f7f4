"""``scorecard [30d|90d|1y|all]``: this server's own record, the breakouts it was actually sent
and how each went (prefix and slash, one body). Anyone in the server may read it.

Thin adapter: a period, the service, one embed with the outcome picture (or one line when the
server was sent nothing in that period)."""

from __future__ import annotations

from typing import Optional

from discord import app_commands
from discord.ext import commands

from bot.app import embeds
from bot.app.client import BreakoutBot
from bot.app.deadline import deadline_for, within
from bot.app.rate import renders
from bot.app.replies import send_reply, working


class Scorecard(commands.Cog):
    """The server's own track record."""

    def __init__(self, bot: BreakoutBot):
        self.bot = bot

    @commands.hybrid_command(
        name="scorecard",
        description="This server's own record: the breakouts it was sent and how each went",
        extras={"examples": ["scorecard", "scorecard 30d", "scorecard all"]},
    )
    @commands.guild_only()
    @app_commands.describe(period="30d, 90d, 1y or all (default: 90d)")
    @app_commands.choices(period=[app_commands.Choice(name=p, value=p) for p in ("30d", "90d", "1y", "all")])
    @renders()  # it draws: the member's one bucket for everything that renders (bot.app.rate)
    async def scorecard(self, ctx: commands.Context, period: Optional[str] = None) -> None:
        assert ctx.guild is not None  # guild_only
        async with working(ctx):
            report = await within(self.bot.services.scorecard.scorecard(ctx.guild.id, period),
                                  deadline_for(self.bot.settings))
        if report.empty:
            await send_reply(ctx, content=report.headline)
            return
        await send_reply(ctx, embed=embeds.scorecard_embed(report), file=embeds.chart_file(report))


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(Scorecard(bot))
