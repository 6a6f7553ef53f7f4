"""A server's announcement settings (the `alerts` commands, minus Discord): where they go,
whom they ping, and what `alerts status` reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.errors import BadArgument
from bot.scan.schedule import NEW_YORK, next_run_time
from bot.services.market_index import parse_market_index
from bot.store.db import Database
from bot.store.guilds import GuildSettings, GuildSettingsRepo
from bot.store.outbox import OutboxRepo, OutboxRow, pending_count
from bot.store.scan_runs import ScanRun, ScanRunRepo
from bot.store.watchlist import WatchlistRepo
from bot.words.market import unknown_index


@dataclass(frozen=True)
class ChannelChange:
    """After `alerts channel`: the new settings and which tickers the announcements cover."""

    settings: GuildSettings
    defaults_added: tuple[str, ...]  # the default watchlist, when this change added it
    defaults_skipped: bool  # first time on, but the server had chosen tickers already
    tracked: list[str]


@dataclass(frozen=True)
class AlertsStatus:
    """What `alerts status` reports, before any words."""

    settings: GuildSettings
    tracked: list[str]
    pending: int  # announcements waiting to be posted
    last_scan: ScanRun | None  # the newest scan of at least one ticker since alerts were turned on
    next_run: datetime | None  # the next scheduled scan, while alerts are on
    # announcements the bot gave up confirming (the channel's history could not be checked:
    # maybe posted, never posted again), newest first
    unconfirmed: tuple[OutboxRow, ...] = ()


class AlertsService:
    def __init__(self, db: Database):
        self.db = db
        self.guilds = GuildSettingsRepo(db)

    async def set_channel(self, guild_id: int, channel_id: int) -> ChannelChange:
        """Announce in ``channel_id`` and turn alerts on (an empty, never-offered watchlist
        gets the default tickers once)."""
        result = await self.guilds.set_channel(guild_id, channel_id)
        tracked = await WatchlistRepo(self.db).list(guild_id)
        return ChannelChange(result.settings, result.defaults_added, result.defaults_skipped, tracked)

    async def turn_off(self, guild_id: int) -> bool:
        """Alerts off (the watchlist is kept, unsent announcements are dropped). Returns whether they were on."""
        return await self.guilds.disable(guild_id)

    async def set_digest(self, guild_id: int, on: bool) -> GuildSettings:
        """The daily digest on or off (posted in the alerts channel, while alerts are on)."""
        return await self.guilds.set_digest(guild_id, on)

    async def set_intraday(self, guild_id: int, on: bool) -> GuildSettings:
        """The intraday "crossing now" notices on or off (off by default; in the alerts channel)."""
        return await self.guilds.set_intraday(guild_id, on)

    async def set_followups(self, guild_id: int, on: bool) -> GuildSettings:
        """Follow-ups (a thread under each breakout announcement) on or off; on by default."""
        return await self.guilds.set_followups(guild_id, on)

    async def set_market_index(self, guild_id: int, index: str) -> GuildSettings:
        """The index whose state `market` and the announcements show (SPY, QQQ or IWM; else BadArgument)."""
        chosen = parse_market_index(index)
        if chosen is None:
            raise BadArgument(unknown_index(""))
        return await self.guilds.set_market_index(guild_id, chosen)

    async def market_index(self, guild_id: int) -> str:
        return (await self.guilds.get(guild_id)).market_index

    async def set_ping_role(self, guild_id: int, role_id: int | None) -> GuildSettings:
        return await self.guilds.set_ping_role(guild_id, role_id)

    async def status(self, guild_id: int, *, now: datetime) -> AlertsStatus:
        settings = await self.guilds.get(guild_id)
        return AlertsStatus(
            settings=settings,
            tracked=await WatchlistRepo(self.db).list(guild_id),
            pending=await pending_count(self.db, guild_id),
            last_scan=await ScanRunRepo(self.db).last_with_tickers(settings.alerts_since),
            next_run=next_run_time(now).astimezone(NEW_YORK) if settings.alerts_enabled else None,
            unconfirmed=tuple(await OutboxRepo(self.db).unconfirmed(guild_id)),
        )
