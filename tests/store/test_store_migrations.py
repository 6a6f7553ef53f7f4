import sqlite3

from bot.store.db import Database
from bot.store.migrations import MIGRATIONS

ANNOUNCEMENT_TABLES = {"guild_settings", "watchlist", "engine_states", "outbox", "scan_runs"}


def _tables(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


async def test_fresh_database_reaches_latest_version(tmp_path):
    path = tmp_path / "bot.sqlite3"
    async with Database(path) as db:
        assert await db.version() == len(MIGRATIONS)
    assert ANNOUNCEMENT_TABLES <= _tables(path)


async def test_reopening_is_idempotent_and_keeps_data(tmp_path):
    path = tmp_path / "bot.sqlite3"
    async with Database(path) as db:
        await db.conn.execute("INSERT INTO watchlist (guild_id, ticker, added_at) VALUES (1, 'IWM', 'x')")
        await db.conn.commit()
    for _ in range(2):
        async with Database(path) as db:
            assert await db.version() == len(MIGRATIONS)
            async with db.conn.execute("SELECT ticker FROM watchlist") as cur:
                assert [r[0] for r in await cur.fetchall()] == ["IWM"]


async def test_outbox_unique_key_is_enforced_by_sqlite(tmp_path):
    async with Database(tmp_path / "bot.sqlite3") as db:
        row = (1, 10, "IWM", "b1", "breakout", "2023-12-14", "{}", "now")
        sql = ("INSERT OR IGNORE INTO outbox (guild_id, channel_id, ticker, base_id, kind, bar_date, payload, created_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        await db.conn.execute(sql, row)
        await db.conn.execute(sql, row[:1] + (99,) + row[2:])  # same key, other channel: ignored
        await db.conn.commit()
        async with db.conn.execute("SELECT COUNT(*) FROM outbox") as cur:
            assert (await cur.fetchone())[0] == 1
