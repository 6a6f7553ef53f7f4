"""The store's upkeep for the command line: ``db copy`` (move a bot to another database)."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings
from bot.store.copy import TableCopy, copy_store
from bot.store.db import Database
from bot.store.urls import shown


async def copy_database(settings: Settings, to: str, *, source: str | Path | None = None,
                        to_schema: str | None = None, replace: bool = False) -> tuple[str, str, list[TableCopy]]:
    """Copy the configured store (or ``source``) into ``to``; returns both names (no passwords)
    and the per-table row counts, verified equal."""
    named = "--from" if source else None  # the messages name the option that chose each store
    source = source or settings.store_target
    async with Database(source, schema=settings.db_schema, timeout=settings.db_timeout, setting=named) as src, \
            Database(to, schema=to_schema, timeout=settings.db_timeout, setting="--to") as dst:
        report = await copy_store(src, dst, replace=replace)
    return shown(source), shown(to), report
