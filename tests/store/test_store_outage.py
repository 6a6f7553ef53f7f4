"""The store failing while the bot runs (issue 20 part 1, issue 25 part 4): a frozen or locked or
full store is one typed error (StoreUnavailable), a member waits at most the store's timeout
plus a margin, the log says it once when the store goes and once when it is back, and the
store recovers by itself."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from store_proxy import FreezingProxy

from bot.errors import StoreUnavailable
from bot.store import faults
from bot.store.db import Database
from bot.store.schema import ticker_lists
from bot.store.ticker_lists import TickerListRepo
from bot.store.watchlist import WatchlistRepo
from bot.words.errors import STORE_DOWN

TIMEOUT = 1.0  # BREAKOUT_DB_TIMEOUT of these tests
ANSWER_WITHIN = TIMEOUT + 2.0  # what issue 20 asks of a command facing a frozen store


def outage_lines(caplog, level):
    return [r for r in caplog.records if r.name == "bot.store.faults" and r.levelno == level]


async def through_proxy(store, proxy) -> Database:
    url = sa.engine.make_url(store.target).set(port=proxy.port).render_as_string(hide_password=False)
    db = Database(url, schema=store.schema, timeout=TIMEOUT)
    store.opened.append(db)
    return await db.open()


async def test_a_frozen_postgresql_answers_a_member_in_time_says_it_once_and_recovers(store, caplog):
    if not store.is_postgres:
        pytest.skip("a frozen server is PostgreSQL's")
    caplog.set_level(logging.DEBUG, logger="bot.store")
    url = sa.engine.make_url(store.target)
    proxy = await FreezingProxy.start(url.host or "127.0.0.1", url.port or 5432)
    try:
        db = await through_proxy(store, proxy)
        await WatchlistRepo(db).add(1, ["IWM"])
        proxy.freeze()
        for _ in range(3):  # three commands while it is frozen
            started = time.monotonic()
            with faults.answering(), pytest.raises(StoreUnavailable) as caught:
                await WatchlistRepo(db).list(1)
            assert time.monotonic() - started < ANSWER_WITHIN
            assert str(caught.value) == STORE_DOWN and caught.value.kind == faults.TIMED_OUT
        (warning,) = outage_lines(caplog, logging.WARNING)
        assert "did not answer in time" in warning.getMessage() and warning.exc_info is None
        assert "password" not in warning.getMessage()
        proxy.thaw()
        with faults.answering():
            assert await WatchlistRepo(db).list(1) == ["IWM"]
            await WatchlistRepo(db).add(1, ["SPY"])
        (back,) = outage_lines(caplog, logging.INFO)
        assert "is back after" in back.getMessage()
        assert len(outage_lines(caplog, logging.WARNING)) == 1
    finally:
        await proxy.close()


async def test_a_cut_postgresql_connection_is_a_store_fault_then_reconnects(store, caplog):
    if not store.is_postgres:
        pytest.skip("PostgreSQL connections")
    caplog.set_level(logging.INFO, logger="bot.store")
    url = sa.engine.make_url(store.target)
    proxy = await FreezingProxy.start(url.host or "127.0.0.1", url.port or 5432)
    try:
        db = await through_proxy(store, proxy)
        await WatchlistRepo(db).add(1, ["IWM"])
        proxy.freeze()
        proxy.cut()
        with faults.answering(), pytest.raises(StoreUnavailable):
            await WatchlistRepo(db).list(1)
        proxy.thaw()
        assert await WatchlistRepo(db).list(1) == ["IWM"]
        assert not db.outage.down
    finally:
        await proxy.close()


async def test_sqlite_locked_by_another_process_is_answered_in_time_then_recovers(store, caplog):
    if store.is_postgres:
        pytest.skip("SQLite's file lock")
    caplog.set_level(logging.INFO, logger="bot.store")
    db = await store.open(timeout=TIMEOUT)
    other = sqlite3.connect(store.target, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process writing, and not letting go
    try:
        started = time.monotonic()
        with faults.answering(), pytest.raises(StoreUnavailable) as caught:
            await WatchlistRepo(db).add(1, ["IWM"])
        assert time.monotonic() - started < ANSWER_WITHIN
        assert caught.value.kind == faults.LOCKED
        (warning,) = outage_lines(caplog, logging.WARNING)
        assert "locked" in warning.getMessage() and warning.exc_info is None
    finally:
        other.execute("ROLLBACK")
        other.close()
    await WatchlistRepo(db).add(1, ["IWM"])
    assert await WatchlistRepo(db).list(1) == ["IWM"]
    assert "is back after" in outage_lines(caplog, logging.INFO)[0].getMessage()


async def test_sqlite_out_of_disk_says_so_once_and_recovers_when_space_returns(store, caplog):
    """SQLITE_FULL as a full disk gives it (here through max_page_count, the same error code);
    when space returns the write-ahead log the retries grew is folded in and cut."""
    if store.is_postgres:
        pytest.skip("SQLite's own file")
    caplog.set_level(logging.INFO, logger="bot.store")
    db = await store.open(timeout=TIMEOUT)
    pages = {"max": 0}

    @event.listens_for(db.engine.sync_engine, "connect")
    def limit(dbapi_conn, _record):
        if pages["max"]:
            dbapi_conn.execute(f"PRAGMA max_page_count={pages['max']}")

    used = await db.scalar(sa.text("PRAGMA page_count"))
    pages["max"] = used + 2
    await db.engine.dispose()  # every new connection gets the small "disk"
    repo = TickerListRepo(db)
    for n in range(4):
        with pytest.raises(StoreUnavailable) as caught:
            await repo.save(1, f"l{n}", [f"T{i}" for i in range(3000)])
        assert caught.value.kind == faults.DISK_FULL
    (warning,) = outage_lines(caplog, logging.WARNING)
    assert "out of disk space" in warning.getMessage()
    pages["max"] = 0
    await db.engine.dispose()  # space is back
    await repo.save(1, "tech", ["AAPL", "MSFT"])
    assert await repo.get(1, "tech") == ["AAPL", "MSFT"]
    assert len(outage_lines(caplog, logging.INFO)) == 1
    await asyncio.gather(*db._cleanups)  # the fold runs beside the answer
    assert os.path.getsize(store.target + "-wal") == 0
    assert await db.scalar(sa.select(sa.func.count()).select_from(ticker_lists)) == 1


async def test_a_program_error_is_not_a_store_fault(db, caplog):
    """A broken constraint or bad SQL stays the program's error: no outage, no member sentence."""
    with pytest.raises(sa.exc.IntegrityError):
        async with db.transaction() as conn:
            row = {"guild_id": 1, "name": "x", "tickers": "A", "updated_at": "t"}
            await conn.execute(ticker_lists.insert(), [row, row])
    with pytest.raises(sa.exc.DBAPIError) as caught:
        await db.scalar(sa.text("SELECT * FROM no_such_table"))
    assert not isinstance(caught.value, StoreUnavailable) and faults.fault_kind(caught.value) is None
    assert not db.outage.down and not outage_lines(caplog, logging.WARNING)


def test_faults_are_classified_by_kind():
    import asyncpg

    assert faults.fault_kind(sqlite3.OperationalError("database is locked")) == faults.LOCKED
    assert faults.fault_kind(sqlite3.OperationalError("database or disk is full")) == faults.DISK_FULL
    assert faults.fault_kind(sqlite3.OperationalError("no such table: x")) is None
    assert faults.fault_kind(ConnectionRefusedError(111, "refused")) == faults.UNREACHABLE
    assert faults.fault_kind(OSError(28, "No space left on device")) == faults.DISK_FULL
    assert faults.fault_kind(TimeoutError()) == faults.TIMED_OUT
    assert faults.fault_kind(asyncpg.exceptions.AdminShutdownError("terminating")) == faults.RESTARTING
    assert faults.fault_kind(asyncpg.exceptions.DiskFullError("could not extend file")) == faults.DISK_FULL
    assert faults.fault_kind(asyncpg.exceptions.TooManyConnectionsError("too many")) == faults.CROWDED
    assert faults.fault_kind(asyncpg.exceptions.ConnectionDoesNotExistError("closed")) == faults.LOST
    assert faults.fault_kind(asyncpg.exceptions.UniqueViolationError("dup")) is None
    assert faults.fault_kind(ZeroDivisionError()) is None
    wrapped = sa.exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))
    assert faults.fault_kind(wrapped) == faults.LOCKED


def test_an_outage_is_one_warning_and_one_info_with_its_length(caplog):
    caplog.set_level(logging.DEBUG, logger="bot.store.faults")
    now = [100.0]
    outage = faults.Outage("bot.sqlite3", clock=lambda: now[0])
    for _ in range(5):
        assert outage.failed(sqlite3.OperationalError("database is locked"))
    assert not outage.failed(ValueError("not the store's"))
    now[0] += 125
    outage.ok()
    outage.ok()
    assert len(outage_lines(caplog, logging.WARNING)) == 1
    (info,) = outage_lines(caplog, logging.INFO)
    assert "back after 2 min 5 s" in info.getMessage() and "5 failed" in info.getMessage()
