"""The transactional outbox: announcements waiting to be posted, and what became of them.

A row is written in the same SQLite transaction as the engine state that produced its event
(:meth:`OutboxRepo.commit_ticker`), so an event is never lost between "the engine saw it"
and "it is queued". ``UNIQUE (guild_id, ticker, base_id, kind, bar_date)`` with
``INSERT OR IGNORE`` makes queueing the same event twice for a server impossible.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.store.db import Database
from bot.store.engine_states import StateRecord, upsert_state
from bot.store.transaction import transaction, utc_now


def event_key(ticker: str, base_id: str, kind: str, bar_date: date | str) -> str:
    """The idempotency key as text: ``IWM|<base id>|breakout|2023-12-14``."""
    d = bar_date.isoformat() if isinstance(bar_date, date) else str(bar_date)
    return f"{ticker}|{base_id}|{kind}|{d}"


@dataclass(frozen=True)
class NewMessage:
    guild_id: int
    channel_id: int
    ticker: str
    base_id: str
    kind: str
    bar_date: date
    payload: dict = field(repr=False)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    guild_id: int
    channel_id: int
    ticker: str
    base_id: str
    kind: str
    bar_date: date
    payload: dict = field(repr=False)
    created_at: str = ""
    sent_at: str | None = None
    message_id: int | None = None
    attempts: int = 0
    last_error: str | None = None
    dropped_at: str | None = None
    ping_role_id: int | None = None  # the server's current ping role (joined in)

    @property
    def key(self) -> str:
        return event_key(self.ticker, self.base_id, self.kind, self.bar_date)


def _row(r) -> OutboxRow:
    keys = r.keys()
    return OutboxRow(
        id=r["id"], guild_id=r["guild_id"], channel_id=r["channel_id"], ticker=r["ticker"], base_id=r["base_id"],
        kind=r["kind"], bar_date=date.fromisoformat(r["bar_date"]), payload=json.loads(r["payload"]),
        created_at=r["created_at"], sent_at=r["sent_at"], message_id=r["message_id"], attempts=r["attempts"],
        last_error=r["last_error"], dropped_at=r["dropped_at"],
        ping_role_id=r["ping_role_id"] if "ping_role_id" in keys else None,
    )


class OutboxRepo:
    def __init__(self, db: Database):
        self.db = db

    async def commit_ticker(self, state: StateRecord, messages: Sequence[NewMessage]) -> int:
        """One transaction: the ticker's new engine state and its outbox rows. Returns how
        many rows were new (already-queued events are ignored)."""
        now = utc_now()
        async with transaction(self.db) as conn:
            await upsert_state(conn, state, now)
            before = conn.total_changes
            await conn.executemany(
                "INSERT OR IGNORE INTO outbox (guild_id, channel_id, ticker, base_id, kind, bar_date, payload, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (m.guild_id, m.channel_id, m.ticker, m.base_id, m.kind, m.bar_date.isoformat(),
                     json.dumps(m.payload, separators=(",", ":")), now)
                    for m in messages
                ],
            )
            return conn.total_changes - before

    async def queue(self, messages: Sequence[NewMessage]) -> int:
        """Queue rows that carry no engine state (the daily digest); a key already held is
        ignored, so queueing the same digest twice (a scan re-run after a crash) posts it once."""
        now = utc_now()
        async with transaction(self.db) as conn:
            before = conn.total_changes
            await conn.executemany(
                "INSERT OR IGNORE INTO outbox (guild_id, channel_id, ticker, base_id, kind, bar_date, payload, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(m.guild_id, m.channel_id, m.ticker, m.base_id, m.kind, m.bar_date.isoformat(),
                  json.dumps(m.payload, separators=(",", ":")), now) for m in messages],
            )
            return conn.total_changes - before

    async def pending(self, limit: int = 100, *, after_id: int = 0) -> list[OutboxRow]:
        """Unsent, not given-up rows with id > ``after_id``, oldest first, with the server's ping role."""
        async with self.db.conn.execute(
            """
            SELECT o.*, g.ping_role_id FROM outbox o LEFT JOIN guild_settings g ON g.guild_id = o.guild_id
            WHERE o.sent_at IS NULL AND o.dropped_at IS NULL AND o.id > ? ORDER BY o.id LIMIT ?
            """,
            (after_id, limit),
        ) as cur:
            return [_row(r) for r in await cur.fetchall()]

    async def rows(self, *, guild_id: int | None = None) -> list[OutboxRow]:
        sql, args = "SELECT * FROM outbox", ()
        if guild_id is not None:
            sql, args = sql + " WHERE guild_id = ?", (guild_id,)
        async with self.db.conn.execute(sql + " ORDER BY id", args) as cur:
            return [_row(r) for r in await cur.fetchall()]

    async def begin_attempt(self, row_id: int) -> int:
        """Count an attempt BEFORE posting (committed), so after a crash mid-post the row
        shows attempts > 0 and the sender looks for the message before posting again."""
        async with transaction(self.db) as conn:
            await conn.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (row_id,))
            async with conn.execute("SELECT attempts FROM outbox WHERE id = ?", (row_id,)) as cur:
                return (await cur.fetchone())[0]

    async def mark_sent(self, row_id: int, message_id: int | None) -> None:
        async with transaction(self.db) as conn:
            await conn.execute(
                "UPDATE outbox SET sent_at = ?, message_id = ?, last_error = NULL WHERE id = ?",
                (utc_now(), message_id, row_id),
            )

    async def record_error(self, row_id: int, error: str, *, drop: bool = False) -> None:
        now = utc_now()
        async with transaction(self.db) as conn:
            await conn.execute(
                "UPDATE outbox SET last_error = ?, dropped_at = CASE WHEN ? THEN ? ELSE dropped_at END WHERE id = ?",
                (error[:500], drop, now, row_id),
            )


async def pending_count(db: Database, guild_id: int) -> int:
    """How many announcements wait to be posted for a server."""
    async with db.conn.execute(
        "SELECT COUNT(*) FROM outbox WHERE guild_id = ? AND sent_at IS NULL AND dropped_at IS NULL", (guild_id,)
    ) as cur:
        return (await cur.fetchone())[0]
