"""Named leases in the store: one holder at a time among the bot's processes.

A lease is a row (name, holder, expires_at). :meth:`LeaseRepo.acquire` takes it when it is
free, expired, or already ours, in one atomic upsert (the same statement on SQLite and
PostgreSQL); the holder renews it while working (:func:`held`) and releases it at the end.
A holder that dies stops renewing: the lease expires and the next process takes it over,
at once when the holder is known to be gone (:mod:`bot.store.presence`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

import sqlalchemy as sa

from bot.store import faults
from bot.store.db import Database
from bot.store.presence import alive
from bot.store.schema import leases
from bot.store.transaction import transaction

log = logging.getLogger(__name__)

_l = leases.c


class LeaseRepo:
    def __init__(self, db: Database, *, clock=time.time):
        self.db = db
        self.clock = clock

    async def acquire(self, name: str, holder: str, seconds: float) -> bool:
        """Take (or extend) the lease for ``seconds``; False when another live holder has it."""
        now = self.clock()
        current = await self.db.scalar(sa.select(_l.holder).where(_l.name == name, _l.expires_at >= now))
        if current is not None and current != holder and not await alive(self.db, current):
            log.info("lease %s: its holder %s is gone; taking it over", name, current)
            async with transaction(self.db) as conn:
                await conn.execute(leases.update().where(_l.name == name, _l.holder == current).values(expires_at=0.0))
        stmt = self.db.insert(leases).values(name=name, holder=holder, expires_at=now + seconds)
        stmt = stmt.on_conflict_do_update(
            index_elements=["name"], set_={"holder": stmt.excluded.holder, "expires_at": stmt.excluded.expires_at},
            where=sa.or_(leases.c.expires_at < now, leases.c.holder == holder))
        async with transaction(self.db) as conn:
            await conn.execute(stmt)
            current = (await conn.execute(sa.select(_l.holder).where(_l.name == name))).scalar()
        return current == holder

    async def release(self, name: str, holder: str) -> None:
        async with transaction(self.db) as conn:
            await conn.execute(leases.delete().where(_l.name == name, _l.holder == holder))

    async def holder(self, name: str) -> str | None:
        """The live holder of the lease, if any."""
        return await self.db.scalar(sa.select(_l.holder).where(_l.name == name, _l.expires_at >= self.clock()))


@contextlib.asynccontextmanager
async def held(db: Database, name: str, holder: str, *, seconds: float = 300.0) -> AsyncIterator[bool]:
    """``async with held(db, "scan:2024-06-28", me) as mine:`` — ``mine`` is whether this
    process holds the lease; while it does, the lease is renewed every ``seconds / 3`` and it
    is released at the end."""
    repo = LeaseRepo(db)
    if not await repo.acquire(name, holder, seconds):
        yield False
        return

    async def renew() -> None:
        while True:
            await asyncio.sleep(seconds / 3)
            try:
                if not await repo.acquire(name, holder, seconds):
                    log.warning("lease %s was taken over by another process", name)
                    return
            except Exception as exc:  # the store is briefly away: retry at the next beat, the lease lasts longer
                if not _store_away(db, exc, f"renewing lease {name}"):
                    log.warning("could not renew lease %s (%s: %s)", name, type(exc).__name__, exc)

    beat = asyncio.create_task(renew(), name=f"lease-{name}")
    try:
        yield True
    finally:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat
        try:
            await repo.release(name, holder)
        except Exception as exc:  # the store is away: the lease simply expires
            if not _store_away(db, exc, f"releasing lease {name}; it expires in {seconds:.0f} s"):
                log.warning("could not release lease %s (%s: %s); it expires in %.0f s", name, type(exc).__name__, exc,
                            seconds)


def _store_away(db: Database, exc: BaseException, where: str) -> bool:
    """A store fault is the outage's (one line per outage, ``bot.store.faults``), not a line of its own."""
    return faults.is_store_fault(exc) and db.outage.failed(exc, where=where)
