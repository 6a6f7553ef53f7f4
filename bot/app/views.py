"""Buttons under a ``base`` chart: switch it between the daily and the weekly base in place."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import discord

from bot.app import embeds
from bot.app.error_handler import handle_view_error
from bot.app.replies import NO_MENTIONS
from bot.words.errors import STILL_DRAWING, not_your_chart
from bot.words.setups import ONLY_ASKER_PAGES

log = logging.getLogger(__name__)


async def disable_buttons(view: discord.ui.View, message: discord.Message | None) -> None:
    """Grey out a view's buttons once it times out (the message stays; its buttons stop)."""
    for item in view.children:
        item.disabled = True
    if message is None:
        return
    try:
        await message.edit(view=view)
    except discord.HTTPException as exc:  # deleted message or an expired token: leave it
        log.debug("could not disable the buttons of %s: %s", message.id, exc)

VIEW_TIMEOUT = 600.0  # seconds; below the 15-minute life of an interaction token
DAILY_ID = "base:timeframe:daily"
WEEKLY_ID = "base:timeframe:weekly"

ReportMaker = Callable[[str], Awaitable[object]]  # timeframe -> BaseReport


class TimeframeView(discord.ui.View):
    """Daily / Weekly buttons. Only the person who asked can switch; others are told so.

    ``make_report(timeframe)`` builds the new report. On timeout the buttons are disabled
    (if the message still exists) and the chart stays as it is.
    """

    def __init__(self, make_report: ReportMaker, *, timeframe: str, owner_id: int, ticker: str,
                 timeout: float = VIEW_TIMEOUT):
        super().__init__(timeout=timeout)
        self.make_report = make_report
        self.timeframe = timeframe
        self.owner_id = owner_id
        self.ticker = ticker
        self.message: discord.Message | None = None
        self._busy = asyncio.Lock()
        self._show(timeframe)

    def _show(self, timeframe: str) -> None:
        self.timeframe = timeframe
        for button, value in ((self.daily, "daily"), (self.weekly, "weekly")):
            current = value == timeframe
            button.disabled = current
            button.style = discord.ButtonStyle.primary if current else discord.ButtonStyle.secondary

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            not_your_chart(self.ticker),
            ephemeral=True, allowed_mentions=NO_MENTIONS,
        )
        return False

    async def _switch(self, interaction: discord.Interaction, timeframe: str) -> None:
        if self._busy.locked():
            await interaction.response.send_message(
                STILL_DRAWING, ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        async with self._busy:
            await interaction.response.defer()  # a component interaction: "updating message"
            report = await self.make_report(timeframe)
            self._show(timeframe)
            await interaction.edit_original_response(
                embed=embeds.base_embed(report),
                attachments=[embeds.chart_file(report)],
                view=self,
                allowed_mentions=NO_MENTIONS,
            )

    @discord.ui.button(label="Daily", custom_id=DAILY_ID)
    async def daily(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._switch(interaction, "daily")

    @discord.ui.button(label="Weekly", custom_id=WEEKLY_ID)
    async def weekly(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._switch(interaction, "weekly")

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await handle_view_error(interaction, error, f"base {self.ticker} timeframe button")

    async def on_timeout(self) -> None:
        await disable_buttons(self, self.message)


PREV_ID = "setups:page:prev"
NEXT_ID = "setups:page:next"


class PagesView(discord.ui.View):
    """◀ / ▶ under a long ``setups`` table: pages the embed's table in place (the picture stays).

    Only the person who asked can page; on timeout the buttons are disabled.
    """

    def __init__(self, report, *, owner_id: int, timeout: float = VIEW_TIMEOUT):
        super().__init__(timeout=timeout)
        self.report = report
        self.owner_id = owner_id
        self.pages = len(report.pages())
        self.page = 0
        self.message: discord.Message | None = None
        self._show()

    def _show(self) -> None:
        self.prev.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(ONLY_ASKER_PAGES, ephemeral=True, allowed_mentions=NO_MENTIONS)
        return False

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self.page = max(0, min(self.pages - 1, self.page + step))
        self._show()
        await interaction.response.edit_message(embed=embeds.setups_embed(self.report, self.page), view=self,
                                                allowed_mentions=NO_MENTIONS)

    @discord.ui.button(label="◀", custom_id=PREV_ID)
    async def prev(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="▶", custom_id=NEXT_ID)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._turn(interaction, +1)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        await handle_view_error(interaction, error, "setups page button")

    async def on_timeout(self) -> None:
        await disable_buttons(self, self.message)
