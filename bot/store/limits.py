"""Limits (a server's saved lists, its watchlist, a member's personal alerts to come) checked
inside the write's own transaction, so concurrent writers can't get around them.

Counting first and writing in a second transaction let concurrent ``universe save`` store 30
lists against a limit of 25 on both engines. Here the count and the write share a transaction
and the writers of one owner take turns from the count on:

* SQLite: a write transaction begins with ``BEGIN IMMEDIATE`` (``bot.store.db``), so it holds
  the database's write lock from its first statement — writers (of any process) run one at a time;
* PostgreSQL: :func:`hold` takes a transaction-level advisory lock named after the limit and
  its owner (``pg_advisory_xact_lock``), released by the commit or rollback; writers of other
  owners are not held up (two owners sharing a key only take turns, which is harmless).

Use: ``async with db.transaction() as conn: await within_limit(db, conn, LIMIT, owner, adding)``
then write. A new limited table needs only a :class:`Limit`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.errors import BreakoutError
from bot.store.db import Database

LOCK_CLASS = 0x62726B6C  # pg_advisory_xact_lock(class, key): "brkl" (presence uses "brko")


class LimitReached(BreakoutError):
    """A write would take an owner over its limit (nothing was written)."""


@dataclass(frozen=True)
class Limit:
    name: str  # the lock's name, e.g. "ticker_lists"
    table: sa.Table
    owner_column: str  # the column that holds the owner (guild_id, user_id)
    most: int
    message: Callable[[int, int, int], str]  # (most, have, adding) -> the sentence for the member
    error: type[BreakoutError] = LimitReached


def lock_key(name: str, owner: int) -> int:
    """A positive 31-bit key for (limit, owner)."""
    return zlib.crc32(f"{name}:{owner}".encode()) & 0x7FFFFFFF


async def hold(db: Database, conn: AsyncConnection, name: str, owner: int) -> None:
    """Inside a write transaction: until it ends, no other writer holds ``name`` for ``owner``."""
    if db.is_postgres:
        await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:cls, :key)"),
                           {"cls": LOCK_CLASS, "key": lock_key(name, owner)})
    # SQLite: BEGIN IMMEDIATE already holds the write lock for the whole transaction


async def within_limit(db: Database, conn: AsyncConnection, limit: Limit, owner: int, adding: int) -> int:
    """Take the owner's turn, count its rows and raise LimitReached when ``adding`` more would
    pass ``limit.most``; returns the count before the write. Call it inside the write's
    transaction, before writing."""
    await hold(db, conn, limit.name, owner)
    column = limit.table.c[limit.owner_column]
    have = (await conn.execute(sa.select(sa.func.count()).select_from(limit.table).where(column == owner))).scalar_one()
    if adding > 0 and have + adding > limit.most:
        raise limit.error(limit.message(limit.most, have, adding))
    return have
