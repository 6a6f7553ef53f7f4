"""Write transactions on the shared connection.

Every coroutine shares one aiosqlite connection, so two writers could interleave their
statements and one writer's COMMIT would commit the other's half-done work. All writes of
the announcement repos go through :func:`transaction`, which serialises writers with one
lock per :class:`~bot.store.db.Database` and wraps the block in ``BEGIN IMMEDIATE`` …
``COMMIT`` (``ROLLBACK`` on any error, cancellation included).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from weakref import WeakKeyDictionary

import aiosqlite

from bot.store.db import Database

_locks: "WeakKeyDictionary[Database, asyncio.Lock]" = WeakKeyDictionary()


def write_lock(db: Database) -> asyncio.Lock:
    lock = _locks.get(db)
    if lock is None:
        lock = _locks[db] = asyncio.Lock()
    return lock


@asynccontextmanager
async def transaction(db: Database) -> AsyncIterator[aiosqlite.Connection]:
    """``async with transaction(db) as conn:`` — all or nothing."""
    async with write_lock(db):
        conn = db.conn
        await conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            await conn.rollback()
            raise
        else:
            await conn.commit()


def utc_now() -> str:
    """UTC timestamp as ISO text, the format every ``*_at`` column uses."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
