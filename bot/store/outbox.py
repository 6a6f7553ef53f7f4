"""The transactional outbox: announcements waiting to be posted, and what became of them.

A row is written in the same transaction as the engine state that produced its event
(:meth:`OutboxRepo.commit_ticker`), so an event is never lost between "the engine saw it"
and "it is queued". ``UNIQUE (guild_id, ticker, base_id, kind, bar_date)`` with
``ON CONFLICT DO NOTHING`` makes queueing the same event twice for a server impossible.

Several processes may deliver from one store: :meth:`OutboxRepo.claim` hands a process the
oldest unsent rows of its own shards and marks them claimed until a deadline (on PostgreSQL
the rows are picked ``FOR UPDATE SKIP LOCKED``, so two claimers never take the same row). A
process that dies leaves its claims to expire; its replacement then takes the rows over.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from bot.store.db import Database
from bot.store.engine_states import StateRecord, upsert_states
from bot.store.personal_alerts import delivered as alert_delivered
from bot.store.personal_alerts import fire as fire_alerts
from bot.store.schema import guild_settings, outbox
from bot.store.shards import ShardSet
from bot.store.transaction import transaction, utc_now

_o = outbox.c
DEFAULT_CLAIM_SECONDS = 120.0
# A follow-up's row: kind "fu:<kind>" (fu:throwback …), base id "<the breakout's base id>/<its day>"
FOLLOWUP_PREFIX = "fu:"
STORY_KINDS = ("breakout", "failed", "faded", "busted")  # what a breakout's follow-ups are derived from


def followup_base(base_id: str, breakout_day: date) -> str:
    """The base id column of a breakout's follow-up rows: its base and its day."""
    return f"{base_id}/{breakout_day.isoformat()}"


def event_key(ticker: str, base_id: str, kind: str, bar_date: date | str) -> str:
    """The idempotency key as text: ``IWM|<base id>|breakout|2023-12-14``."""
    d = bar_date.isoformat() if isinstance(bar_date, date) else str(bar_date)
    return f"{ticker}|{base_id}|{kind}|{d}"


class SharedPayload(dict):
    """A row's payload made of a part several rows share (``shared``: one event's announcement,
    sent to each of its members) and the row's own keys (``own``). It is the plain dict
    ``{**shared, **own}`` to everyone; the outbox writes the shared part's JSON once per batch.
    Built once and not changed afterwards."""

    __slots__ = ("shared", "own", "spliced")

    def __init__(self, shared: dict, own: dict):
        super().__init__(shared)
        self.update(own)
        self.shared, self.own = shared, own
        # its JSON can be joined from its items' (JSON names only from text keys)
        self.spliced = all(type(k) is str for k in self)


@dataclass(frozen=True)
class NewMessage:
    guild_id: int
    channel_id: int
    ticker: str
    base_id: str
    kind: str
    bar_date: date
    payload: dict = field(repr=False)
    user_id: int | None = None  # a member's personal alert (any process delivers it)


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
    user_id: int | None = None  # a member's personal alert
    thread_id: int | None = None  # a breakout announcement's thread of follow-ups

    @property
    def is_followup(self) -> bool:
        return self.kind.startswith(FOLLOWUP_PREFIX)
    check_after: float | None = None  # Unix time: the next check of the channel's history, not before
    unsure_since: float | None = None  # Unix time of the first failed check of the channel's history
    unconfirmed_at: str | None = None  # gave up checking: maybe posted, never posted again

    @property
    def key(self) -> str:
        return event_key(self.ticker, self.base_id, self.kind, self.bar_date)


def _row(r) -> OutboxRow:
    return OutboxRow(
        id=r["id"], guild_id=r["guild_id"], channel_id=r["channel_id"], ticker=r["ticker"], base_id=r["base_id"],
        kind=r["kind"], bar_date=date.fromisoformat(r["bar_date"]), payload=json.loads(r["payload"]),
        created_at=r["created_at"], sent_at=r["sent_at"], message_id=r["message_id"], attempts=r["attempts"],
        last_error=r["last_error"], dropped_at=r["dropped_at"], ping_role_id=r.get("ping_role_id"),
        thread_id=r.get("thread_id"),
        user_id=r.get("user_id"),
        check_after=r.get("check_after"), unsure_since=r.get("unsure_since"), unconfirmed_at=r.get("unconfirmed_at"),
    )


def _unsent():
    return sa.and_(_o.sent_at.is_(None), _o.dropped_at.is_(None))


def _with_ping_role():
    return (sa.select(outbox, guild_settings.c.ping_role_id)
            .join_from(outbox, guild_settings, guild_settings.c.guild_id == _o.guild_id, isouter=True))



_INSERTED = ("guild_id", "channel_id", "ticker", "base_id", "kind", "bar_date", "payload", "created_at", "user_id")


@functools.lru_cache(maxsize=1)
def _sqlite_insert_sql() -> str:
    """SQLite's text of the outbox INSERT ... ON CONFLICT DO NOTHING, its parameters in the
    order of :data:`_INSERTED` (compiled once from the table, so it follows the schema)."""
    compiled = sqlite.insert(outbox).on_conflict_do_nothing().compile(dialect=sqlite.dialect(),
                                                                      column_keys=list(_INSERTED))
    if tuple(compiled.positiontup or ()) != _INSERTED:
        raise RuntimeError(f"the outbox INSERT's parameters are {compiled.positiontup}, not {_INSERTED}")
    return str(compiled)

class OutboxRepo:
    def __init__(self, db: Database):
        self.db = db

    async def _insert(self, conn, messages: Sequence[NewMessage], now: str) -> int:
        """Insert the rows whose key is new; returns how many were.

        On SQLite the rows go to the driver as plain tuples in one executemany of the same
        INSERT (a busy close queues ten thousand members' firings; SQLAlchemy's own handling
        of each row's parameters cost more than SQLite's insert): :meth:`_insert_plain` is the
        path it equals, and PostgreSQL's."""
        if not messages:
            return 0
        if self.db.is_postgres:
            return await self._insert_plain(conn, messages, now)
        dumps = json.JSONEncoder(separators=(",", ":")).encode
        items: dict[int, dict[str, str]] = {}  # id of a shared part -> its items' JSON ('"name":value')

        def text(payload: dict) -> str:
            if type(payload) is not SharedPayload or not payload.spliced:
                return dumps(payload)
            own = payload.own
            shared = items.get(id(payload.shared))
            if shared is None:
                shared = items[id(payload.shared)] = {k: f"{dumps(k)}:{dumps(v)}" for k, v in payload.shared.items()}
            # {**shared, **own}: the shared keys in their order (an own value in its place), then own's new keys
            parts = [f"{dumps(k)}:{dumps(own[k])}" if k in own else item for k, item in shared.items()]
            parts += [f"{dumps(k)}:{dumps(v)}" for k, v in own.items() if k not in shared]
            return "{" + ",".join(parts) + "}"

        rows = [(m.guild_id, m.channel_id, m.ticker, m.base_id, m.kind, m.bar_date.isoformat(), text(m.payload), now,
                 m.user_id) for m in messages]
        return (await conn.exec_driver_sql(_sqlite_insert_sql(), rows)).rowcount  # executemany counts the inserted

    async def _insert_plain(self, conn, messages: Sequence[NewMessage], now: str) -> int:
        """:meth:`_insert` through SQLAlchemy's parameter handling, a dict a row."""
        if not messages:
            return 0
        rows = [dict(guild_id=m.guild_id, channel_id=m.channel_id, ticker=m.ticker, base_id=m.base_id, kind=m.kind,
                     bar_date=m.bar_date.isoformat(), payload=json.dumps(m.payload, separators=(",", ":")),
                     created_at=now, user_id=m.user_id) for m in messages]
        stmt = self.db.insert(outbox).on_conflict_do_nothing()
        if not self.db.is_postgres:  # SQLite's executemany counts the rows it inserted
            return (await conn.execute(stmt, rows)).rowcount
        return len((await conn.execute(stmt.returning(_o.id), rows)).all())

    async def commit_ticker(self, state: StateRecord, messages: Sequence[NewMessage]) -> int:
        """One transaction: the ticker's new engine state and its outbox rows. Returns how
        many rows were new (already-queued events are ignored)."""
        return await self.commit_tickers([(state, messages)])

    async def commit_tickers(self, batch: Sequence[tuple[StateRecord, Sequence[NewMessage]]],
                             fired: Sequence[tuple[int, str]] = ()) -> int:
        """One transaction for several tickers (the scanner's chunk): their new engine states
        and outbox rows, all or nothing, each state with the rows its events produced, and the
        level alerts those rows fire (``fired``: (alert id, ISO day); they fire no more).
        Returns how many rows were new."""
        if not batch:
            return 0
        now = utc_now()
        async with transaction(self.db) as conn:
            await upsert_states(self.db, conn, [state for state, _ in batch], now)
            queued = await self._insert(conn, [m for _, messages in batch for m in messages], now)
            await fire_alerts(conn, fired)
            return queued

    async def queue(self, messages: Sequence[NewMessage]) -> int:
        """Queue rows that carry no engine state (the daily digest); a key already held is
        ignored, so queueing the same digest twice (a scan re-run after a crash) posts it once."""
        async with transaction(self.db) as conn:
            return await self._insert(conn, messages, utc_now())

    async def pending(self, limit: int = 100, *, after_id: int = 0, shards: ShardSet | None = None) -> list[OutboxRow]:
        """Unsent, not given-up rows with id > ``after_id``, oldest first, with the server's ping role."""
        stmt = _with_ping_role().where(_unsent(), _o.id > after_id).order_by(_o.id).limit(limit)
        if shards is not None:
            stmt = stmt.where(shards.clause(_o.guild_id))
        return [_row(r) for r in await self.db.all(stmt)]

    async def claim(self, holder: str, limit: int = 100, *, after_id: int = 0, shards: ShardSet | None = None,
                    seconds: float = DEFAULT_CLAIM_SECONDS, checks_due_at: float | None = None) -> list[OutboxRow]:
        """Take the oldest unsent rows (id > ``after_id``, of ``shards``) that no other live
        process holds, for ``seconds``; returns them oldest first. A row whose next check of
        the channel's history is not due by ``checks_due_at`` (Unix time, default now) waits."""
        now = time.time()
        free = sa.or_(_o.claimed_until.is_(None), _o.claimed_until < now, _o.claimed_by == holder)
        due_at = now if checks_due_at is None else checks_due_at
        due = sa.or_(_o.check_after.is_(None), _o.check_after <= due_at)
        pick = sa.select(_o.id).where(_unsent(), _o.id > after_id, free, due).order_by(_o.id).limit(limit)
        if shards is not None:  # a member's personal alert is tied to no shard: anyone may take it
            pick = pick.where(sa.or_(shards.clause(_o.guild_id), _o.user_id.is_not(None)))
        async with transaction(self.db) as conn:
            ids = list((await conn.execute(pick.with_for_update(skip_locked=True))).scalars())
            if not ids:
                return []
            await conn.execute(outbox.update().where(_o.id.in_(ids)).values(claimed_by=holder,
                                                                            claimed_until=now + seconds))
            rows = (await conn.execute(_with_ping_role().where(_o.id.in_(ids)).order_by(_o.id))).mappings().all()
        return [_row(r) for r in rows]

    async def free_dead_claims(self, holder: str) -> int:
        """Free the rows claimed by processes that are gone (bot.store.presence); returns how many holders."""
        from bot.store.presence import alive

        rows = await self.db.all(sa.select(_o.claimed_by).distinct()
                                 .where(_unsent(), _o.claimed_by.is_not(None), _o.claimed_by != holder))
        dead = [r["claimed_by"] for r in rows if not await alive(self.db, r["claimed_by"])]
        for gone in dead:
            await self.release(gone)
        return len(dead)

    async def release(self, holder: str) -> None:
        """Give back the unsent rows ``holder`` still claims (at the end of a flush)."""
        async with transaction(self.db) as conn:
            await conn.execute(outbox.update().where(_o.claimed_by == holder, _unsent())
                               .values(claimed_by=None, claimed_until=None))

    async def rows(self, *, guild_id: int | None = None) -> list[OutboxRow]:
        stmt = sa.select(outbox).order_by(_o.id)
        if guild_id is not None:
            stmt = stmt.where(_o.guild_id == guild_id)
        return [_row(r) for r in await self.db.all(stmt)]

    async def begin_attempt(self, row_id: int, *, holder: str | None = None,
                            seconds: float = DEFAULT_CLAIM_SECONDS) -> int | None:
        """Count an attempt BEFORE posting (committed), so after a crash mid-post the row
        shows attempts > 0 and the sender looks for the message before posting again.

        With ``holder``, only while the row is unsent and unclaimed, claimed by ``holder`` or
        its claim expired; the claim is renewed for ``seconds``. None: another process has it."""
        # a post follows a check that answered: the row is no longer unsure
        stmt = (outbox.update().where(_o.id == row_id)
                .values(attempts=_o.attempts + 1, check_after=None, unsure_since=None).returning(_o.attempts))
        if holder is not None:
            now = time.time()
            stmt = stmt.where(_unsent(), sa.or_(_o.claimed_by.is_(None), _o.claimed_by == holder,
                                                _o.claimed_until < now))
            stmt = stmt.values(claimed_by=holder, claimed_until=now + seconds)
        async with transaction(self.db) as conn:
            return (await conn.execute(stmt)).scalar()

    async def mark_sent(self, row_id: int, message_id: int | None, *, thread_id: int | None = None,
                        alert: tuple[int, bool] | None = None) -> None:
        """The row is posted. ``alert``: (personal alert id, fires once) — in the same
        transaction a level alert is removed (posted once, gone; never twice, never lost)."""
        values: dict = dict(sent_at=utc_now(), message_id=message_id, last_error=None, claimed_by=None,
                            claimed_until=None, check_after=None, unsure_since=None)
        if thread_id is not None:
            values["thread_id"] = thread_id
        async with transaction(self.db) as conn:
            await conn.execute(outbox.update().where(_o.id == row_id).values(**values))
            if alert is not None:
                await alert_delivered(conn, alert[0], once=alert[1])

    async def set_thread(self, row_id: int, thread_id: int | None) -> None:
        """Keep (or forget, with None) the thread of a breakout announcement."""
        async with transaction(self.db) as conn:
            await conn.execute(outbox.update().where(_o.id == row_id).values(thread_id=thread_id))

    async def announcement(self, guild_id: int, ticker: str, base_id: str, day: date) -> OutboxRow | None:
        """A server's breakout announcement of ``ticker``'s base ``base_id`` on ``day`` (sent or not)."""
        r = await self.db.one(sa.select(outbox).where(
            _o.guild_id == guild_id, _o.ticker == ticker, _o.base_id == base_id, _o.kind == "breakout",
            _o.bar_date == day.isoformat()))
        return _row(r) if r is not None else None

    async def stories(self, tickers: Sequence[str], since: date) -> list[OutboxRow]:
        """The breakout, failed, faded and busted rows of ``tickers`` queued for any server on or
        after ``since`` (given up or not): what their follow-ups are derived from."""
        if not tickers:
            return []
        stmt = (sa.select(outbox).where(_o.ticker.in_(list(tickers)), _o.kind.in_(STORY_KINDS),
                                        _o.bar_date >= since.isoformat(),
                                        _o.user_id.is_(None))  # a member's DM of the event is no story
                .order_by(_o.id))
        return [_row(r) for r in await self.db.all(stmt)]

    async def delivered(self, guild_id: int, kind: str, since: date | None = None) -> list[OutboxRow]:
        """A server's rows of ``kind`` that were posted (its announcements, not a member's DM),
        dated on or after ``since`` (None: all), oldest first: what the server was actually sent."""
        stmt = sa.select(outbox).where(_o.guild_id == guild_id, _o.kind == kind, _o.sent_at.is_not(None),
                                       _o.user_id.is_(None))
        if since is not None:
            stmt = stmt.where(_o.bar_date >= since.isoformat())
        return [_row(r) for r in await self.db.all(stmt.order_by(_o.bar_date, _o.id))]

    async def followups_of(self, tickers: Sequence[str], kind: str, since: date) -> list[OutboxRow]:
        """The follow-up rows of ``kind`` (``fu:summary`` …) of ``tickers``' breakouts, queued for
        any server on or after ``since`` (given up or not: the figures are the breakout's)."""
        if not tickers:
            return []
        stmt = (sa.select(outbox).where(_o.ticker.in_(list(tickers)), _o.kind == FOLLOWUP_PREFIX + kind,
                                        _o.bar_date >= since.isoformat()).order_by(_o.id))
        return [_row(r) for r in await self.db.all(stmt)]

    async def hold(self, row_id: int, *, holder: str, seconds: float = DEFAULT_CLAIM_SECONDS) -> bool:
        """Renew ``holder``'s claim on an unsent row for ``seconds`` without counting an attempt
        (before a check of the channel's history); False: another process has it."""
        now = time.time()
        stmt = (outbox.update().where(_o.id == row_id, _unsent(),
                                      sa.or_(_o.claimed_by.is_(None), _o.claimed_by == holder, _o.claimed_until < now))
                .values(claimed_by=holder, claimed_until=now + seconds).returning(_o.id))
        async with transaction(self.db) as conn:
            return (await conn.execute(stmt)).scalar() is not None

    async def check_failed(self, row_id: int, error: str, *, now: float, backoff: tuple[float, float],
                           give_up_after: float) -> tuple[float, bool]:
        """The check of the channel's history failed for a row whose post may have landed: it
        stays unsent and uncertain, checked again after a wait (the time since the first failed
        check, within ``backoff`` = (shortest, longest) seconds); once the checks have failed for
        ``give_up_after`` seconds it is given up as unconfirmed (dropped, never posted again).
        Returns (Unix time of the first failed check, whether it was given up now)."""
        async with transaction(self.db) as conn:
            since = (await conn.execute(sa.select(_o.unsure_since).where(_o.id == row_id))).scalar()
            since = now if since is None else float(since)
            values: dict = {"last_error": error[:500], "unsure_since": since}
            gave_up = now - since >= give_up_after
            if gave_up:
                values.update(unconfirmed_at=utc_now(), dropped_at=utc_now(), check_after=None)
            else:
                lo, hi = backoff
                values["check_after"] = now + min(hi, max(lo, now - since))
            await conn.execute(outbox.update().where(_o.id == row_id, _unsent())
                               .values(**values, claimed_by=None, claimed_until=None))
        return since, gave_up

    async def unconfirmed(self, guild_id: int, limit: int = 5) -> list[OutboxRow]:
        """A server's announcements the bot gave up confirming (maybe posted, never posted
        again), newest first."""
        stmt = (sa.select(outbox).where(_o.guild_id == guild_id, _o.unconfirmed_at.is_not(None))
                .order_by(_o.id.desc()).limit(limit))
        return [_row(r) for r in await self.db.all(stmt)]

    async def record_error(self, row_id: int, error: str, *, drop: bool = False) -> None:
        values: dict = {"last_error": error[:500]}
        if drop:
            values["dropped_at"] = utc_now()
        async with transaction(self.db) as conn:
            await conn.execute(outbox.update().where(_o.id == row_id).values(**values))


async def pending_count(db: Database, guild_id: int) -> int:
    """How many announcements wait to be posted for a server."""
    return await db.scalar(sa.select(sa.func.count()).select_from(outbox).where(_o.guild_id == guild_id, _unsent(),
                                                                               _o.user_id.is_(None)))
