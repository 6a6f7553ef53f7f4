"""Copy every table of one store into another (SQLite -> PostgreSQL to move a bot, or back),
in one transaction on the target, then compare row counts table by table.

The target must hold no data yet (its schema is created and migrated on open) unless
``replace`` is asked, which first empties it. Leases are not copied and outbox claims are
cleared: they belong to the processes of the old store. Ids are copied as they are and
PostgreSQL's id sequences are moved past them, so new rows never collide.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa

from bot.errors import BreakoutError
from bot.store.db import Database
from bot.store.schema import DATA_TABLES, intraday_crossings, outbox, personal_alerts, price_packs, scan_runs

log = logging.getLogger(__name__)

BATCH = 5_000  # rows per INSERT round trip
PACK_BATCH = 200  # of price_packs (a year of one ticker's bars, ~14 KB each)


class CopyRefused(BreakoutError):
    """The target store already holds data (and replace was not asked), or is the source."""


class CopyMismatch(BreakoutError):
    """After the copy, a table's row count differs between the stores."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    source_rows: int
    target_rows: int

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows


async def row_counts(db: Database) -> dict[str, int]:
    async with db.reading() as conn:
        return {t.name: (await conn.execute(sa.select(sa.func.count()).select_from(t))).scalar_one() for t in DATA_TABLES}


async def copy_store(source: Database, target: Database, *, replace: bool = False) -> list[TableCopy]:
    """Copy ``source`` into ``target`` (both open); raises CopyRefused or CopyMismatch."""
    if source.url == target.url and source.schema == target.schema:
        raise CopyRefused(f"The source and the target are the same store ({target.path}).")
    held = {name: n for name, n in (await row_counts(target)).items() if n}
    if held and not replace:
        listed = ", ".join(f"{name} {n}" for name, n in held.items())
        raise CopyRefused(f"The target {target.path} already holds data ({listed} rows): copy into an empty "
                          "database, or add --replace to empty it first.")
    async with target.transaction() as dst:
        for table in reversed(DATA_TABLES):
            await dst.execute(table.delete())
        for table in DATA_TABLES:
            copied = await _copy_table(source, dst, table)
            log.info("copied %d rows of %s", copied, table.name)
        if target.is_postgres:
            for table in (outbox, scan_runs, personal_alerts, intraday_crossings):
                await dst.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), COALESCE(MAX(id), 1), "
                    f"MAX(id) IS NOT NULL) FROM {table.name}"))
    before, after = await row_counts(source), await row_counts(target)
    report = [TableCopy(t.name, before[t.name], after[t.name]) for t in DATA_TABLES]
    bad = [r for r in report if not r.ok]
    if bad:
        raise CopyMismatch("Row counts differ after the copy: " + ", ".join(
            f"{r.table} {r.source_rows} -> {r.target_rows}" for r in bad) + ".")
    return report


async def _copy_table(source: Database, dst, table: sa.Table) -> int:
    clear = {"claimed_by": None, "claimed_until": None} if table is outbox else {}
    copied = 0
    async with source.reading() as src:
        result = await src.stream(sa.select(table))
        async for chunk in result.mappings().partitions(PACK_BATCH if table is price_packs else BATCH):
            await dst.execute(table.insert(), [{**row, **clear} for row in chunk])
            copied += len(chunk)
    return copied
