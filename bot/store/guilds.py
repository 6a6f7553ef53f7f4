"""Per-server announcement settings: alerts channel, on/off, the role to ping."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from bot.store.db import Database
from bot.store.limits import hold
from bot.store.schema import guild_settings, outbox, watchlist
from bot.store.transaction import transaction, utc_now
from bot.store.watchlist import DEFAULT_WATCHLIST, WATCHLIST_LIMIT, insert_tickers


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    alerts_channel_id: int | None = None
    alerts_enabled: bool = False
    ping_role_id: int | None = None
    disabled_reason: str | None = None  # why alerts are off when the bot turned them off
    defaults_added: bool = False  # the default watchlist was offered once (added, or skipped)
    alerts_since: str | None = None  # UTC ISO time alerts were last turned on
    digest_enabled: bool = False  # one digest post after each daily scan (needs alerts on)
    market_index: str = "SPY"  # the index whose state `market` and the announcements show
    intraday_enabled: bool = False  # "crossing now" notices during the session (needs alerts on)
    followups_enabled: bool = True  # a thread of follow-ups under each breakout (alerts followups)


@dataclass(frozen=True)
class ChannelSet:
    settings: GuildSettings
    defaults_added: tuple[str, ...]  # the default watchlist, when this call added it
    defaults_skipped: bool = False  # first time on, but the server had chosen tickers already


_g = guild_settings.c


def _upsert(db: Database, guild_id: int, now: str):
    """The server's settings row, created with the defaults if it does not exist."""
    return db.insert(guild_settings).values(guild_id=guild_id, updated_at=now).on_conflict_do_nothing()


def _update(guild_id: int, **values):
    return guild_settings.update().where(_g.guild_id == guild_id).values(**values)


class GuildSettingsRepo:
    def __init__(self, db: Database):
        self.db = db

    async def get(self, guild_id: int) -> GuildSettings:
        row = await self.db.one(sa.select(guild_settings).where(_g.guild_id == guild_id))
        if row is None:
            return GuildSettings(guild_id)
        return GuildSettings(
            guild_id=row["guild_id"],
            alerts_channel_id=row["alerts_channel_id"],
            alerts_enabled=bool(row["alerts_enabled"]),
            ping_role_id=row["ping_role_id"],
            disabled_reason=row["disabled_reason"],
            defaults_added=bool(row["defaults_added"]),
            alerts_since=row["alerts_since"],
            digest_enabled=bool(row["digest_enabled"]),
            market_index=row["market_index"] or "SPY",
            intraday_enabled=bool(row["intraday_enabled"]),
            followups_enabled=bool(row.get("followups_enabled", 1)),
        )

    async def set_channel(self, guild_id: int, channel_id: int) -> ChannelSet:
        """Send alerts to ``channel_id`` and turn them on. A server that tracks nothing and
        never got the default watchlist gets it now (once)."""
        now = utc_now()
        added: tuple[str, ...] = ()
        async with transaction(self.db) as conn:
            await hold(self.db, conn, WATCHLIST_LIMIT.name, guild_id)  # the defaults count against the limit
            await conn.execute(_upsert(self.db, guild_id, now))
            tracked = (sa.select(sa.func.count()).select_from(watchlist).where(watchlist.c.guild_id == guild_id)
                       .scalar_subquery())
            row = (await conn.execute(
                sa.select(_g.defaults_added, tracked.label("n")).where(_g.guild_id == guild_id))).mappings().one()
            if not row["defaults_added"] and row["n"] == 0:
                await insert_tickers(self.db, conn, guild_id, DEFAULT_WATCHLIST)
                added = DEFAULT_WATCHLIST
            skipped = not row["defaults_added"] and row["n"] > 0
            await conn.execute(_update(
                guild_id, alerts_channel_id=channel_id, disabled_reason=None, defaults_added=1,
                alerts_since=sa.case((sa.and_(_g.alerts_enabled == 1, _g.alerts_since.is_not(None)), _g.alerts_since),
                                     else_=now),
                alerts_enabled=1, updated_at=now))
        return ChannelSet(await self.get(guild_id), added, skipped)

    async def disable(self, guild_id: int, reason: str | None = None) -> bool:
        """Turn alerts off (``reason`` is None when a moderator did it) and give up the
        server's unsent announcements. Returns whether alerts were on."""
        now = utc_now()
        async with transaction(self.db) as conn:
            was_on = bool((await conn.execute(
                sa.select(_g.alerts_enabled).where(_g.guild_id == guild_id))).scalar())
            await conn.execute(_upsert(self.db, guild_id, now))
            await conn.execute(_update(guild_id, alerts_enabled=0, disabled_reason=reason, updated_at=now))
            await conn.execute(
                outbox.update()
                .where(outbox.c.guild_id == guild_id, outbox.c.sent_at.is_(None), outbox.c.dropped_at.is_(None))
                .values(dropped_at=now, last_error=reason or "alerts turned off"))
        return was_on

    async def set_ping_role(self, guild_id: int, role_id: int | None) -> GuildSettings:
        now = utc_now()
        async with transaction(self.db) as conn:
            await conn.execute(_upsert(self.db, guild_id, now))
            await conn.execute(_update(guild_id, ping_role_id=role_id, updated_at=now))
        return await self.get(guild_id)

    async def set_digest(self, guild_id: int, on: bool) -> GuildSettings:
        """Turn the daily digest on or off (it is posted in the alerts channel while alerts are on)."""
        now = utc_now()
        async with transaction(self.db) as conn:
            await conn.execute(_upsert(self.db, guild_id, now))
            await conn.execute(_update(guild_id, digest_enabled=int(bool(on)), updated_at=now))
        return await self.get(guild_id)

    async def set_intraday(self, guild_id: int, on: bool) -> GuildSettings:
        """Turn the intraday notices on or off (posted in the alerts channel while alerts are on)."""
        now = utc_now()
        async with transaction(self.db) as conn:
            await conn.execute(_upsert(self.db, guild_id, now))
            await conn.execute(_update(guild_id, intraday_enabled=int(bool(on)), updated_at=now))
        return await self.get(guild_id)

    async def intraday_targets(self) -> list[tuple[int, int]]:
        """(guild id, channel id) of every server with alerts and the intraday notices on."""
        rows = await self.db.all(
            sa.select(_g.guild_id, _g.alerts_channel_id)
            .where(_g.alerts_enabled == 1, _g.intraday_enabled == 1, _g.alerts_channel_id.is_not(None))
            .order_by(_g.guild_id))
        return [(r["guild_id"], r["alerts_channel_id"]) for r in rows]

    async def set_followups(self, guild_id: int, on: bool) -> GuildSettings:
        """Follow-ups (a thread under each breakout announcement) on or off."""
        now = utc_now()
        async with transaction(self.db) as conn:
            await conn.execute(_upsert(self.db, guild_id, now))
            await conn.execute(_update(guild_id, followups_enabled=int(bool(on)), updated_at=now))
        return await self.get(guild_id)

    async def set_market_index(self, guild_id: int, index: str) -> GuildSettings:
        """The server's market index (SPY is stored as the default, NULL)."""
        now = utc_now()
        async with transaction(self.db) as conn:
            await conn.execute(_upsert(self.db, guild_id, now))
            await conn.execute(_update(guild_id, market_index=None if index == "SPY" else index, updated_at=now))
        return await self.get(guild_id)

    async def digest_targets(self) -> list[tuple[int, int]]:
        """(guild id, channel id) of every server with alerts and the digest on."""
        rows = await self.db.all(
            sa.select(_g.guild_id, _g.alerts_channel_id)
            .where(_g.alerts_enabled == 1, _g.digest_enabled == 1, _g.alerts_channel_id.is_not(None))
            .order_by(_g.guild_id))
        return [(r["guild_id"], r["alerts_channel_id"]) for r in rows]
