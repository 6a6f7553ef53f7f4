"""Write transactions.

Every write goes through :meth:`Database.transaction`: one connection from the pool in one
transaction, committed at the end of the block and rolled back on any error (cancellation
included). On SQLite writers also take turns (an asyncio lock, then ``BEGIN IMMEDIATE``).
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
