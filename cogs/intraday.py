"""The intraday watch's timer: during the regular session, a round every
``BREAKOUT_INTRADAY_EVERY`` minutes (5 by default, never faster than 1), then the outbox posted.

The rounds themselves (which tickers, the fetch, the check, each crossing queued once) are the
use case's (:mod:`bot.services.intraday_watch`): one process of a sharded deployment holds the
watch (a lease); every process then posts its own shards' notices through the announcer's
sender. A process that does not hold the watch looks at the outbox again ``follow_delay``
seconds after the round, when the watcher has queued what it found.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import discord
from discord.ext import commands

from bot.app.client import BreakoutBot
from bot.services.intraday_watch import RoundReport, next_round
from cogs.announcer import Announcer

log = logging.getLogger(__name__)

FOLLOW_DELAY = 20.0  # seconds: a process that is not the watcher posts what the watcher queued


class IntradayWatcher(commands.Cog):
    def __init__(self, bot: BreakoutBot, *, source=None):
        self.bot = bot
        settings = bot.settings
        self.watch = bot.services.intraday_watch(every=settings.intraday_every, timeout=settings.data_timeout,
                                                 source=source)
        self.follow_delay = FOLLOW_DELAY
        self.last_round: RoundReport | None = None
        self._task: asyncio.Task | None = None

    async def cog_load(self) -> None:
        self._task = asyncio.create_task(self._run(), name="intraday-watch")

    async def cog_unload(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            now = discord.utils.utcnow()
            at = next_round(now, self.watch.every)
            await asyncio.sleep(max(0.0, (at - now).total_seconds()))
            await self.round(at)

    async def round(self, now: datetime) -> RoundReport | None:
        """One round, then the outbox posted. Never raises (the timer goes on)."""
        try:
            report = await self.watch.round(now)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if not self.bot.services.store_fault(exc, where="intraday round"):
                log.exception("intraday round at %s failed; the next one retries", now)
            return None
        self.last_round = report
        if report is None:
            return None
        announcer = self.bot.get_cog("Announcer")
        if isinstance(announcer, Announcer) and (report.queued or not report.ran):
            if not report.ran:
                await asyncio.sleep(self.follow_delay)
            await announcer.wake(now=now)
        return report


async def setup(bot: BreakoutBot) -> None:
    await bot.add_cog(IntradayWatcher(bot))
