"""Both store engines for the tests: every test taking ``store`` (or ``db``) runs once on SQLite
and once on PostgreSQL.

The PostgreSQL half needs ``TEST_DATABASE_URL`` (``.ci/run`` sets it); without it the half is
skipped with a reason, so a newcomer's machine runs the SQLite half only. With it set and the
server down, the half fails: CI must not go green on SQLite alone. Each PostgreSQL test gets a
fresh schema of its own (dropped afterwards), so parallel runs never share tables.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio

ENGINES = ("sqlite", "postgresql")


def test_database_url() -> str | None:
    return (os.environ.get("TEST_DATABASE_URL") or "").strip() or None


test_database_url.__test__ = False  # a helper, not a test


@dataclass
class Store:
    """One store for one test: ``open()`` gives a new Database on it (a restart, another process)."""

    engine: str
    target: str
    schema: str | None = None
    opened: list = field(default_factory=list)

    def database(self, **kw):
        from bot.store.db import Database

        db = Database(self.target, schema=self.schema, **kw)
        self.opened.append(db)
        return db

    async def open(self, **kw):
        return await self.database(**kw).open()

    @property
    def env(self) -> dict[str, str]:
        """The environment that points a ``python -m bot`` process at this store."""
        if self.engine == "sqlite":
            return {"BREAKOUT_DB_PATH": self.target, "DATABASE_URL": "", "BREAKOUT_DB_SCHEMA": ""}
        return {"DATABASE_URL": self.target, "BREAKOUT_DB_SCHEMA": self.schema or ""}

    @property
    def is_postgres(self) -> bool:
        return self.engine == "postgresql"


async def _pg_execute(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"), timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def make_store(engine: str, tmp_path: Path) -> Store:
    if engine == "sqlite":
        return Store("sqlite", str(tmp_path / "bot.sqlite3"))
    url = test_database_url()
    if url is None:
        pytest.skip("TEST_DATABASE_URL is not set: the PostgreSQL half of the store tests is skipped")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    await _pg_execute(url, f'CREATE SCHEMA "{schema}"')
    return Store("postgresql", url, schema)


async def drop_store(store: Store) -> None:
    for db in store.opened:
        await db.close()
    if store.is_postgres:
        await _pg_execute(store.target, f'DROP SCHEMA IF EXISTS "{store.schema}" CASCADE')


@pytest_asyncio.fixture(params=ENGINES)
async def store(request, tmp_path):
    s = await make_store(request.param, tmp_path)
    yield s
    await drop_store(s)


@pytest_asyncio.fixture
async def db(store):
    """An open Database on ``store`` (both engines)."""
    yield await store.open()
