"""Write transactions on the shared connection.

Every coroutine shares one aiosqlite connection, so two writers could interleave their
statements and one writer's COMMIT would commit the other's half-done work. Every write
goes through :meth:`Database.transaction`, which serialises writers with the database's
lock and wraps the block in ``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any error,
cancellation included).
"""

from __future__ import annotations

from datetime import datetime, timezone

from bot.store.db import Database


def transaction(db: Database):
    """``async with transaction(db) as conn:`` — all or nothing (see :meth:`Database.transaction`)."""
    return db.transaction()


def utc_now() -> str:
    """UTC timestamp as ISO text, the format every ``*_at`` column uses."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
