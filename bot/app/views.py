"""Buttons under a ``base`` chart: switch it between the daily and the weekly base in place."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

import discord

from bot.app import embeds
from bot.app.error_handler import handle_view_error
from bot.app.rate import bucket_of
from bot.app.replies import NO_MENTIONS
from bot.store.faults import mark_answering
from bot.words.errors import CHART_EXPIRED, STILL_DRAWING, cooldown, not_your_chart
from bot.words.setups import ONLY_ASKER_PAGES

log = logging.getLogger(__name__)


# The messages whose buttons a live view answers in this process. A press on one of our buttons
# whose message is not here (posted before a restart) is told the chart expired (expired_press).
LIVE: dict[int, discord.ui.View] = {}
BUTTON_PREFIXES = ("base:timeframe:", "setups:page:")

VIEW_TIMEOUT = 600.0  # seconds; below the 15-minute life of an interaction token
DAILY_ID = "base:timeframe:daily"
WEEKLY_ID = "base:timeframe:weekly"

ReportMaker = Callable[[str], Awaitable[object]]  # timeframe -> BaseReport


class AskerOnlyView(discord.ui.View):
    """Buttons only the person who asked may press (others are told ``refusal()``), greyed out
    when the view times out; ``message`` is the message they sit under, once sent."""

    def __init__(self, *, owner_id: int, timeout: float = VIEW_TIMEOUT):
        super().__init__(timeout=timeout)
        self.owner_id = owner_id
        self._message: discord.Message | None = None

    @property
    def message(self) -> discord.Message | None:
        return self._message

    @message.setter
    def message(self, message: discord.Message | None) -> None:
        self._message = message
        if message is not None:
            LIVE[message.id] = self  # its buttons answer while this process runs

    def stop(self) -> None:
        if self._message is not None and LIVE.get(self._message.id) is self:
            del LIVE[self._message.id]
        super().stop()

    def refusal(self) -> str:
        raise NotImplementedError

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        mark_answering()  # this button press's task answers a member: the store's waits are bounded
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(self.refusal(), ephemeral=True, allowed_mentions=NO_MENTIONS)
        return False

    async def on_timeout(self) -> None:
        if self._message is not None and LIVE.get(self._message.id) is self:
            del LIVE[self._message.id]  # a press that still gets through is told the chart expired
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):  # (the items that can be greyed out)
                item.disabled = True
        if self.message is None:
            return
        try:
            await self.message.edit(view=self)
        except discord.HTTPException as exc:  # deleted message or an expired token: leave it
            log.debug("could not disable the buttons of %s: %s", self.message.id, exc)


class TimeframeView(AskerOnlyView):
    """Daily / Weekly buttons. Only the person who asked can switch; others are told so.

    ``make_report(timeframe)`` builds the new report. On timeout the buttons are disabled
    (if the message still exists) and the chart stays as it is.
    """

    def __init__(self, make_report: ReportMaker, *, timeframe: str, owner_id: int, ticker: str,
                 timeout: float = VIEW_TIMEOUT):
        super().__init__(owner_id=owner_id, timeout=timeout)
        self.make_report = make_report
        self.timeframe = timeframe
        self.ticker = ticker
        self._busy = asyncio.Lock()
        self._show(timeframe)

    def _show(self, timeframe: str) -> None:
        self.timeframe = timeframe
        for button, value in ((self.daily, "daily"), (self.weekly, "weekly")):
            current = value == timeframe
            button.disabled = current
            button.style = discord.ButtonStyle.primary if current else discord.ButtonStyle.secondary

    def refusal(self) -> str:
        return not_your_chart(self.ticker)

    async def _switch(self, interaction: discord.Interaction, timeframe: str) -> None:
        retry_after = bucket_of(interaction.client).take(interaction.user.id)  # a render: the member's one bucket
        if retry_after > 0:
            await interaction.response.send_message(cooldown(retry_after), ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)
            return
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


PREV_ID = "setups:page:prev"
NEXT_ID = "setups:page:next"


class PagesView(AskerOnlyView):
    """◀ / ▶ under a long ``setups`` table: pages the embed's table in place (the picture stays).

    Only the person who asked can page; on timeout the buttons are disabled.
    """

    def __init__(self, report, *, owner_id: int, timeout: float = VIEW_TIMEOUT):
        super().__init__(owner_id=owner_id, timeout=timeout)
        self.report = report
        self.pages = len(report.pages())
        self.page = 0
        self._show()

    def _show(self) -> None:
        self.prev.disabled = self.page == 0
        self.next.disabled = self.page >= self.pages - 1

    def refusal(self) -> str:
        return ONLY_ASKER_PAGES

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


async def expired_press(interaction: discord.Interaction) -> bool:
    """A press on one of our buttons that no live view answers (the message was posted before a
    restart, or its view timed out while the buttons still showed): a short private answer
    instead of Discord's "This interaction failed". True when it answered."""
    if interaction.type is not discord.InteractionType.component or interaction.message is None:
        return False
    data: Mapping[str, object] = interaction.data or {}
    custom_id = data.get("custom_id", "")
    if not isinstance(custom_id, str) or not custom_id.startswith(BUTTON_PREFIXES) or interaction.message.id in LIVE:
        return False
    await interaction.response.send_message(CHART_EXPIRED, ephemeral=True, allowed_mentions=NO_MENTIONS)
    return True
