"""The SQLite database: one aiosqlite connection, WAL, versioned migrations.

Migrations live in :mod:`bot.store.migrations` as an ordered list; ``PRAGMA user_version``
records how many have been applied. Never edit a released migration: append a new one.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from bot.errors import DatabaseUnavailable
from bot.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)


class Database:
    def __init__(self, path: str | Path, *, timeout: float = 10.0):
        self.path = str(path)
        self.timeout = timeout  # seconds to wait for another process's lock
        self._conn: aiosqlite.Connection | None = None
        # Every coroutine shares the one connection: writers take turns, or one writer's
        # COMMIT would commit another's half-done work.
        self._write_lock = asyncio.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise RuntimeError("database is not open")
        return self._conn

    async def open(self) -> "Database":
        """Connect, set up and migrate; on any failure the connection (and its thread) is
        closed again, and a file that is not a usable database is DatabaseUnavailable."""
        if self._conn is None:
            try:
                if self.path != ":memory:":
                    Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self._conn = await aiosqlite.connect(self.path, timeout=self.timeout)
                self._conn.row_factory = aiosqlite.Row
                await self._conn.execute("PRAGMA journal_mode=WAL")
                # With WAL, NORMAL loses no committed transaction on an application crash (only,
                # possibly, the last ones on a power cut) and saves an fsync per commit.
                await self._conn.execute("PRAGMA synchronous=NORMAL")
                await self._conn.execute("PRAGMA foreign_keys=ON")
                await self.migrate()
            except BaseException as exc:
                await self.close()  # an open aiosqlite thread would keep the process alive
                if isinstance(exc, (sqlite3.Error, OSError)):
                    raise DatabaseUnavailable(unusable(self.path, exc)) from exc
                raise
        return self

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def __aenter__(self) -> "Database":
        return await self.open()

    async def __aexit__(self, *exc) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """``async with db.transaction() as conn:`` — all or nothing, one writer at a time."""
        async with self._write_lock:
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.rollback()
                raise
            else:
                await conn.commit()

    async def version(self) -> int:
        async with self.conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0])

    async def migrate(self) -> None:
        current = await self.version()
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            log.info("applying database migration %d", number)
            await self.conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")


def unusable(path: str | Path, exc: BaseException) -> str:
    """One line saying why the database file cannot be used and what to do."""
    text = str(exc) if not isinstance(exc, OSError) else (exc.strerror or str(exc))
    if "locked" in text or "busy" in text:
        return (f"The database {path} is locked by another process (another breakout-bot?): "
                "stop it, or set BREAKOUT_DB_PATH to another file.")
    return f"The database {path} cannot be used ({text}): move it away or set BREAKOUT_DB_PATH to another file."
