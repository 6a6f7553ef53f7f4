"""Per-server announcement settings: alerts channel, on/off, the role to ping."""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.db import Database
from bot.store.transaction import transaction, utc_now
from bot.store.watchlist import DEFAULT_WATCHLIST, insert_tickers


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


@dataclass(frozen=True)
class ChannelSet:
    settings: GuildSettings
    defaults_added: tuple[str, ...]  # the default watchlist, when this call added it
    defaults_skipped: bool = False  # first time on, but the server had chosen tickers already


_UPSERT = """
INSERT INTO guild_settings (guild_id, updated_at) VALUES (?, ?)
ON CONFLICT (guild_id) DO NOTHING
"""


class GuildSettingsRepo:
    def __init__(self, db: Database):
        self.db = db

    async def get(self, guild_id: int) -> GuildSettings:
        async with self.db.conn.execute("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,)) as cur:
            row = await cur.fetchone()
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
            digest_enabled=bool(row["digest_enabled"]) if "digest_enabled" in row.keys() else False,
        )

    async def set_channel(self, guild_id: int, channel_id: int) -> ChannelSet:
        """Send alerts to ``channel_id`` and turn them on. A server that tracks nothing and
        never got the default watchlist gets it now (once)."""
        now = utc_now()
        added: tuple[str, ...] = ()
        async with transaction(self.db) as conn:
            await conn.execute(_UPSERT, (guild_id, now))
            async with conn.execute(
                "SELECT defaults_added, (SELECT COUNT(*) FROM watchlist WHERE guild_id = ?) AS n "
                "FROM guild_settings WHERE guild_id = ?",
                (guild_id, guild_id),
            ) as cur:
                row = await cur.fetchone()
            if not row["defaults_added"] and row["n"] == 0:
                await insert_tickers(conn, guild_id, DEFAULT_WATCHLIST)
                added = DEFAULT_WATCHLIST
            skipped = not row["defaults_added"] and row["n"] > 0
            await conn.execute(
                "UPDATE guild_settings SET alerts_channel_id = ?, disabled_reason = NULL, defaults_added = 1, "
                "alerts_since = CASE WHEN alerts_enabled = 1 AND alerts_since IS NOT NULL THEN alerts_since "
                "ELSE ? END, alerts_enabled = 1, updated_at = ? WHERE guild_id = ?",
                (channel_id, now, now, guild_id),
            )
        return ChannelSet(await self.get(guild_id), added, skipped)

    async def disable(self, guild_id: int, reason: str | None = None) -> bool:
        """Turn alerts off (``reason`` is None when a moderator did it) and give up the
        server's unsent announcements. Returns whether alerts were on."""
        now = utc_now()
        async with transaction(self.db) as conn:
            async with conn.execute("SELECT alerts_enabled FROM guild_settings WHERE guild_id = ?", (guild_id,)) as cur:
                row = await cur.fetchone()
            was_on = bool(row and row["alerts_enabled"])
            await conn.execute(_UPSERT, (guild_id, now))
            await conn.execute(
                "UPDATE guild_settings SET alerts_enabled = 0, disabled_reason = ?, updated_at = ? WHERE guild_id = ?",
                (reason, now, guild_id),
            )
            await conn.execute(
                "UPDATE outbox SET dropped_at = ?, last_error = COALESCE(?, 'alerts turned off') "
                "WHERE guild_id = ? AND sent_at IS NULL AND dropped_at IS NULL",
                (now, reason, guild_id),
            )
        return was_on

    async def set_ping_role(self, guild_id: int, role_id: int | None) -> GuildSettings:
        now = utc_now()
        async with transaction(self.db) as conn:
            await conn.execute(_UPSERT, (guild_id, now))
            await conn.execute(
                "UPDATE guild_settings SET ping_role_id = ?, updated_at = ? WHERE guild_id = ?",
                (role_id, now, guild_id),
            )
        return await self.get(guild_id)

    async def set_digest(self, guild_id: int, on: bool) -> GuildSettings:
        """Turn the daily digest on or off (it is posted in the alerts channel while alerts are on)."""
        now = utc_now()
        async with transaction(self.db) as conn:
            await conn.execute(_UPSERT, (guild_id, now))
            await conn.execute(
                "UPDATE guild_settings SET digest_enabled = ?, updated_at = ? WHERE guild_id = ?",
                (int(bool(on)), now, guild_id),
            )
        return await self.get(guild_id)

    async def digest_targets(self) -> list[tuple[int, int]]:
        """(guild id, channel id) of every server with alerts and the digest on."""
        async with self.db.conn.execute(
            "SELECT guild_id, alerts_channel_id FROM guild_settings WHERE alerts_enabled = 1 AND digest_enabled = 1 "
            "AND alerts_channel_id IS NOT NULL ORDER BY guild_id"
        ) as cur:
            return [(r["guild_id"], r["alerts_channel_id"]) for r in await cur.fetchall()]
