"""Bring a store's schema to the newest Alembic revision (``bot/store/revisions/versions``).

* A new store (either engine) runs every revision from the baseline ``0001``.
* A SQLite file made before Alembic (``PRAGMA user_version`` 1-5, no ``alembic_version``)
  gets its missing hand-written migrations (:mod:`bot.store.migrations`), which makes it the
  baseline schema; it is stamped ``0001`` and upgraded in place like any other.
* Several processes starting at once on one PostgreSQL take turns (an advisory lock held for
  the migration's transaction).

A store already at :data:`HEAD` is checked with one query; Alembic is imported only to migrate.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import sqlalchemy as sa

from bot.store.migrations import MIGRATIONS as LEGACY_MIGRATIONS

log = logging.getLogger(__name__)

HEAD = "0010"  # the newest revision in bot/store/revisions/versions (a test checks they agree)
BASELINE = "0001"  # the schema of legacy SQLite version 5
REVISIONS = Path(__file__).with_name("revisions")
_MIGRATION_LOCK = 0x62726B6F  # pg_advisory_xact_lock key: "brko"


async def upgrade(db) -> None:
    async with db.transaction() as conn:
        if db.is_postgres:
            await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        await conn.run_sync(_upgrade)


def current_revision(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(conn: sa.Connection) -> None:
    revision = current_revision(conn)
    if revision == HEAD:
        return
    from alembic import command

    config = alembic_config(conn)
    if revision is None and conn.dialect.name == "sqlite":
        legacy = conn.exec_driver_sql("PRAGMA user_version").scalar() or 0
        if legacy:
            for number in range(legacy + 1, len(LEGACY_MIGRATIONS) + 1):
                log.info("applying legacy database migration %d", number)
                for statement in _statements(LEGACY_MIGRATIONS[number - 1]):
                    conn.exec_driver_sql(statement)
            conn.exec_driver_sql(f"PRAGMA user_version = {len(LEGACY_MIGRATIONS)}")
            command.stamp(config, BASELINE)
    log.info("upgrading the database schema from %s to %s", revision or "nothing", HEAD)
    command.upgrade(config, "head")


def alembic_config(conn: sa.Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(REVISIONS))
    config.attributes["connection"] = conn
    return config


def _statements(script: str) -> list[str]:
    """The statements of a legacy script (its comments may hold semicolons)."""
    code = re.sub(r"--[^\n]*", "", script)
    return [s.strip() for s in code.split(";") if s.strip()]
