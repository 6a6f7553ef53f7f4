"""The `market` report -> a Discord embed: the state in the title, its lines, the chart inside."""

from __future__ import annotations

import discord

from bot.app.embeds import DESCRIPTION_MAX, FOOTER_MAX, TITLE_MAX, clip
from bot.words.reports import stale_note

STATE_COLOURS = {
    "uptrend": discord.Colour.green(),
    "under_pressure": discord.Colour.gold(),
    "correction": discord.Colour.red(),
}


def market_embed(report) -> discord.Embed:
    parts = [stale_note(report.data_date)] if report.stale else []
    parts.extend(report.lines)
    embed = discord.Embed(
        title=clip(report.headline, TITLE_MAX),
        colour=STATE_COLOURS.get(report.state.state, discord.Colour.blurple()),
        description=clip("\n".join(parts), DESCRIPTION_MAX),
    )
    embed.set_footer(text=clip(report.footer, FOOTER_MAX))
    embed.set_image(url=f"attachment://{report.filename}")
    return embed
