"""The intraday watch's crossings and their notices, written together.

A crossing is one row per ticker, base and session (``UNIQUE (ticker, base_id, session)``);
:meth:`CrossingRepo.record` writes it with its notices (outbox rows of kind ``intraday``, one per
server that opted in) and the members' level alerts it fires, in ONE transaction, and only when
the crossing is new: two watchers (a restart, another process) never queue a crossing twice,
and the outbox's own unique key backs that per server. At the close,
:meth:`CrossingRepo.settle` marks the crossing settled and queues the replies (kind
``intraday:settle``) in one transaction, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from bot.store.db import Database
from bot.store.outbox import NewMessage, OutboxRepo, OutboxRow, _row
from bot.store.personal_alerts import fire as fire_alerts
from bot.store.schema import intraday_crossings, outbox
from bot.store.transaction import transaction, utc_now

NOTICE_KIND = "intraday"  # the "crossing now" post
SETTLE_KIND = "intraday:settle"  # the close's reply to it

_c = intraday_crossings.c
_o = outbox.c


@dataclass(frozen=True)
class CrossingRecord:
    ticker: str
    base_id: str
    session: date
    direction: int
    line: float
    price: float
    quote_at: str  # ISO, exchange time
    pace: float | None = None
    id: int = 0
    outcome: str | None = None
    reason: str | None = None
    close: float | None = None
    settled_at: str | None = None


def _record(r) -> CrossingRecord:
    return CrossingRecord(ticker=r["ticker"], base_id=r["base_id"], session=date.fromisoformat(r["session"]),
                          direction=int(r["direction"]), line=float(r["line"]), price=float(r["price"]),
                          quote_at=r["quote_at"], pace=r["pace"], id=r["id"], outcome=r["outcome"],
                          reason=r["reason"], close=r["close"], settled_at=r["settled_at"])


class CrossingRepo:
    def __init__(self, db: Database):
        self.db = db
        self.outbox = OutboxRepo(db)

    async def record(self, crossing: CrossingRecord | None, messages: Sequence[NewMessage],
                     fired: Sequence[tuple[int, str]] = ()) -> bool:
        """One transaction: the crossing (when given and new), the outbox rows it brings
        (``messages``) and the level alerts they fire (``fired``: (alert id, ISO day): they fire
        no more, so the daily close cannot fire them again). A crossing already recorded queues
        nothing; returns whether anything was new."""
        return (await self.record_many([(crossing, messages, fired)]))[0]

    async def record_many(self, items: Sequence[tuple[CrossingRecord | None, Sequence[NewMessage],
                                                      Sequence[tuple[int, str]]]]) -> list[bool]:
        """:meth:`record` for a round's crossings in one transaction (all or nothing); each
        crossing already recorded queues nothing. Returns, per item, whether it was new."""
        now = utc_now()
        out: list[bool] = []
        async with transaction(self.db) as conn:
            for crossing, messages, fired in items:
                if crossing is not None:
                    stmt = self.db.insert(intraday_crossings).values(
                        ticker=crossing.ticker, base_id=crossing.base_id, session=crossing.session.isoformat(),
                        direction=int(crossing.direction), line=float(crossing.line), price=float(crossing.price),
                        quote_at=crossing.quote_at, pace=crossing.pace, created_at=now)
                    if (await conn.execute(stmt.on_conflict_do_nothing().returning(_c.id))).first() is None:
                        out.append(False)
                        continue
                queued = await self.outbox._insert(conn, messages, now)
                await fire_alerts(conn, fired)
                out.append(crossing is not None or queued > 0)
        return out

    async def of_session(self, session: date) -> list[CrossingRecord]:
        """The session's crossings (what a watcher restarted mid-session has already seen)."""
        rows = await self.db.all(sa.select(intraday_crossings).where(_c.session == session.isoformat())
                                 .order_by(_c.id))
        return [_record(r) for r in rows]

    async def unsettled(self, upto: date) -> list[CrossingRecord]:
        """Crossings of sessions up to ``upto`` that no close has settled yet (oldest first)."""
        rows = await self.db.all(sa.select(intraday_crossings).where(
            _c.settled_at.is_(None), _c.session <= upto.isoformat()).order_by(_c.id))
        return [_record(r) for r in rows]

    async def notices(self, crossing: CrossingRecord) -> list[OutboxRow]:
        """The crossing's notices (one per server), sent or not."""
        rows = await self.db.all(sa.select(outbox).where(
            _o.ticker == crossing.ticker, _o.base_id == crossing.base_id, _o.kind == NOTICE_KIND,
            _o.bar_date == crossing.session.isoformat()).order_by(_o.id))
        return [_row(r) for r in rows]

    async def settle(self, crossing: CrossingRecord, outcome: str, reason: str, close: float,
                     replies: Sequence[NewMessage]) -> bool:
        """One transaction: the crossing settled by the close, and the replies to its notices.
        False when it was settled already (nothing queued)."""
        now = utc_now()
        async with transaction(self.db) as conn:
            done = await conn.execute(intraday_crossings.update().where(_c.id == crossing.id, _c.settled_at.is_(None))
                                      .values(outcome=outcome, reason=reason, close=float(close), settled_at=now))
            if not done.rowcount:
                return False
            await self.outbox._insert(conn, replies, now)
            return True

    async def posted_notices(self, session: date) -> dict[tuple[int, str, str], tuple[int, int]]:
        """The notices of ``session`` that were posted: (server, ticker, direction "up"/"down") ->
        (channel id, message id), the first of each."""
        rows = await self.db.all(sa.select(outbox).where(
            _o.kind == NOTICE_KIND, _o.bar_date == session.isoformat(), _o.sent_at.is_not(None),
            _o.message_id.is_not(None)).order_by(_o.id))
        out: dict[tuple[int, str, str], tuple[int, int]] = {}
        for r in map(_row, rows):
            if r.message_id is not None:
                out.setdefault((r.guild_id, r.ticker, str(r.payload.get("direction"))), (r.channel_id, r.message_id))
        return out

    async def notice(self, guild_id: int, ticker: str, base_id: str, session: date) -> OutboxRow | None:
        """A server's notice of one crossing (sent or not)."""
        r = await self.db.one(sa.select(outbox).where(
            _o.guild_id == guild_id, _o.ticker == ticker, _o.base_id == base_id, _o.kind == NOTICE_KIND,
            _o.bar_date == session.isoformat()))
        return _row(r) if r is not None else None
