"""The schema: Alembic revisions on both engines, and SQLite files made before Alembic
(``PRAGMA user_version`` 1-5, written here by the old hand-written scripts exactly as the
previous release did) upgraded in place with their data."""

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.store.db import Database
from bot.store.guilds import GuildSettingsRepo
from bot.store.migrate import HEAD, REVISIONS
from bot.store.migrations import MIGRATIONS
from bot.store.outbox import OutboxRepo
from bot.store.schema import metadata, outbox
from bot.store.watchlist import WatchlistRepo

TABLES = {t.name for t in metadata.sorted_tables}


def legacy_file(path: Path, version: int = len(MIGRATIONS)) -> Path:
    """A SQLite store as the pre-Alembic code left it at ``version`` (its Database.migrate:
    executescript of each migration plus ``PRAGMA user_version``)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    for number, script in enumerate(MIGRATIONS[:version], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return conn


def test_head_is_the_newest_revision_file():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(REVISIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


async def test_fresh_store_reaches_head_with_every_table(db):
    assert await db.version() == HEAD
    async with db.reading() as conn:
        names = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
    assert TABLES <= names


async def test_reopening_is_idempotent_and_keeps_data(store):
    async with store.database() as db:
        await WatchlistRepo(db).add(1, ["IWM"])
    for _ in range(2):
        async with store.database() as db:
            assert await db.version() == HEAD
            assert await WatchlistRepo(db).list(1) == ["IWM"]


async def test_outbox_unique_key_is_enforced_by_the_database(db):
    row = dict(guild_id=1, channel_id=10, ticker="IWM", base_id="b1", kind="breakout", bar_date="2023-12-14",
               payload="{}", created_at="now")
    async with db.transaction() as conn:
        await conn.execute(outbox.insert().values(**row))
    with pytest.raises(sa.exc.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute(outbox.insert().values(**{**row, "channel_id": 99}))
    assert len(await OutboxRepo(db).rows()) == 1


@pytest.mark.parametrize("version", range(1, len(MIGRATIONS) + 1))
async def test_a_pre_alembic_sqlite_file_upgrades_in_place(tmp_path, version):
    path = tmp_path / "old.sqlite3"
    conn = legacy_file(path, version)
    if version >= 2:
        conn.execute("INSERT INTO guild_settings (guild_id, alerts_channel_id, alerts_enabled, updated_at) "
                     "VALUES (7, 70, 1, 'then')")
        conn.execute("INSERT INTO watchlist (guild_id, ticker, added_at) VALUES (7, 'TLT', 'then')")
        conn.execute("INSERT INTO outbox (guild_id, channel_id, ticker, base_id, kind, bar_date, payload, created_at)"
                     " VALUES (7, 70, 'TLT', 'b', 'breakout', '2023-12-14', '{\"a\": 1}', 'then')")
    conn.execute("INSERT INTO price_meta (ticker, first_day, last_day, fetched_at) VALUES ('IWM', '2020-01-02', "
                 "'2023-12-14', '2023-12-15T00:00:00+00:00')")
    conn.commit()
    conn.close()
    async with Database(path) as db:
        assert await db.version() == HEAD
        if version >= 2:
            assert await WatchlistRepo(db).list(7) == ["TLT"]
            (row,) = await OutboxRepo(db).pending()
            assert (row.guild_id, row.payload) == (7, {"a": 1})
            s = await GuildSettingsRepo(db).get(7)
            assert s.alerts_enabled and s.alerts_channel_id == 70 and not s.digest_enabled
        await WatchlistRepo(db).add(8, ["IWM"])  # writable after the upgrade
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT ticker FROM price_meta").fetchall() == [("IWM",)]
        assert check.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)  # older code still opens it
        tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert TABLES <= tables


async def test_a_file_created_by_the_previous_release_upgrades(tmp_path):
    """The file the released code (git main before Alembic) wrote, byte for byte."""
    fixture = Path(__file__).with_name("v5_store.sqlite3")
    path = tmp_path / "v5.sqlite3"
    path.write_bytes(fixture.read_bytes())
    async with Database(path) as db:
        assert await db.version() == HEAD
        assert sorted(await WatchlistRepo(db).list(1)) == ["IWM", "MDY", "QQQ", "SPY"]
        assert (await GuildSettingsRepo(db).get(1)).alerts_channel_id == 100
        assert [r.kind for r in await OutboxRepo(db).rows()] == ["breakout"]
