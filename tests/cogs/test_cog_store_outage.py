"""The store going away while the bot runs, through discord.py's real dispatch on both engines
(issue 20 part 1, issue 25 part 4): every command answers one plain sentence within the store's
timeout + 2 s, the log says WARNING once when the store goes (no traceback, nothing at ERROR)
and INFO once when it is back, and the bot recovers by itself — commands and the announcer's
wake-ups alike."""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from scan_fakes import write_csv_dir
from store_proxy import FreezingProxy

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.settings import Settings
from bot.store.db import Database
from bot.words.errors import APOLOGY, STORE_DOWN

TIMEOUT = 1.0
EXTENSIONS = ("cogs.watch", "cogs.alerts", "cogs.setups", "cogs.announcer")


def visible(sent):
    return [m for m in sent if m["kind"] in ("message", "response", "followup")]


class Outage:
    """Takes the store away and brings it back: SQLite locked by another process's writer,
    PostgreSQL frozen behind a relay."""

    def __init__(self, store, tmp_path):
        self.store = store
        self.proxy = None
        self.locker = None

    async def database(self) -> Database:
        if self.store.is_postgres:
            url = sa.engine.make_url(self.store.target)
            self.proxy = await FreezingProxy.start(url.host or "127.0.0.1", url.port or 5432)
            target = url.set(port=self.proxy.port).render_as_string(hide_password=False)
        else:
            target = self.store.target
        # background work (the announcer) waits out its statement bound, 60 s by default: 3 here
        db = Database(target, schema=self.store.schema, timeout=TIMEOUT, command_timeout=3 * TIMEOUT)
        self.store.opened.append(db)
        return db

    def begin(self) -> None:
        if self.proxy is not None:
            self.proxy.freeze()
        else:
            self.locker = sqlite3.connect(self.store.target, isolation_level=None)
            self.locker.execute("BEGIN EXCLUSIVE")  # no reads, no writes: a wedged other process

    def end(self) -> None:
        if self.proxy is not None:
            self.proxy.thaw()
        elif self.locker is not None:
            self.locker.execute("ROLLBACK")
            self.locker.close()
            self.locker = None

    async def close(self) -> None:
        self.end()
        if self.proxy is not None:
            await self.proxy.close()


@pytest.fixture
async def outage(store, tmp_path):
    o = Outage(store, tmp_path)
    yield o
    await o.close()


@pytest.fixture
def market(tmp_path):
    return MarketData(CsvDirectoryProvider(write_csv_dir(tmp_path / "prices", ["IWM", "MDY", "SPY", "QQQ"])))


def store_lines(caplog, level):
    return [r for r in caplog.records if r.name == "bot.store.faults" and r.levelno == level]


async def test_commands_say_one_sentence_in_time_log_once_and_recover(make_harness, market, outage, caplog):
    caplog.set_level(logging.INFO)
    db = await outage.database()
    h = await make_harness(market, extensions=EXTENSIONS, db=db,
                           settings=Settings(token="t", db_timeout=TIMEOUT))
    await h.prefix("!watch add IWM", author=h.admin)
    outage.begin()
    writes = [("prefix", "!watch add SPY", None), ("prefix", "!universe save tech IWM SPY", None),
              ("prefix", "!alerts digest on", None), ("slash", "watch add", {"tickers": "QQQ"}),
              ("slash", "universe save", {"name": "tech", "tickers": "IWM"})]
    reads = [("prefix", "!watch list", None), ("prefix", "!universe list", None), ("prefix", "!alerts status", None),
             ("slash", "watch list", None), ("slash", "universe list", None)]
    # SQLite in WAL mode keeps reading while another process holds the write lock: only writes wait
    for how, text, options in writes + (reads if outage.proxy is not None else []):
        started = time.monotonic()
        if how == "prefix":
            sent = await h.prefix(text, author=h.admin)
        else:
            sent = await h.slash(text, options, author=h.admin)
        assert time.monotonic() - started < TIMEOUT + 2.0, text
        assert [m["content"] for m in visible(sent)] == [STORE_DOWN], text
        reply = visible(sent)[0]
        assert reply["content"] == STORE_DOWN, (text, reply["content"])
        assert reply["ephemeral"] == (how == "slash")
    if outage.proxy is not None:  # suggestions while the store is frozen: the shipped ones, no error
        started = time.monotonic()
        choices = await h.autocomplete("setups", {"universe": ""}, focused="universe", author=h.admin)
        assert [c["value"] for c in choices] == ["watchlist", "etfs", "sp500"]
        assert time.monotonic() - started < TIMEOUT + 2.0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and r.exc_info]
    (warning,) = store_lines(caplog, logging.WARNING)
    assert warning.exc_info is None and "unexpected" not in warning.getMessage()
    assert APOLOGY not in str(h.sent)
    outage.end()
    (reply,) = visible(await h.prefix("!watch add SPY", author=h.admin))
    assert "SPY" in reply["content"] and STORE_DOWN not in reply["content"]
    (reply,) = visible(await h.prefix("!watch list", author=h.admin))
    assert "IWM" in reply["content"] and "SPY" in reply["content"]
    (back,) = store_lines(caplog, logging.INFO)
    assert "is back after" in back.getMessage()


async def test_announcer_wake_ups_say_the_outage_once_and_catch_up_after(make_harness, market, outage, caplog):
    caplog.set_level(logging.INFO)
    db = await outage.database()
    h = await make_harness(market, extensions=EXTENSIONS, db=db, settings=Settings(token="t", db_timeout=TIMEOUT))
    cog = h.bot.get_cog("Announcer")
    await h.prefix("!alerts channel <#%d>" % h.channel.id, author=h.admin)
    outage.begin()
    after_close = datetime(2026, 11, 17, 22, tzinfo=timezone.utc)
    for _ in range(3):
        assert await cog.wake(now=after_close) is None
    assert cog._failures == 3
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and warnings[0].exc_info is None, [w.getMessage() for w in warnings]
    outage.end()
    report = await cog.wake(now=after_close)
    assert report is not None and report.scan is not None  # the missed scan runs once it is back
    assert cog._failures == 0
    (back,) = store_lines(caplog, logging.INFO)
    assert "is back after" in back.getMessage()


async def test_a_full_disk_is_said_once_and_commands_work_again_when_space_returns(make_harness, market, store, caplog):
    """SQLite out of disk (SQLITE_FULL, here through max_page_count) while members write."""
    if store.is_postgres:
        pytest.skip("SQLite's own file")
    from sqlalchemy import event

    caplog.set_level(logging.INFO)
    db = store.database(timeout=TIMEOUT)
    h = await make_harness(market, extensions=EXTENSIONS, db=db, settings=Settings(token="t", db_timeout=TIMEOUT))
    pages = {"max": 0}

    @event.listens_for(db.engine.sync_engine, "connect")
    def limit(dbapi_conn, _record):
        if pages["max"]:
            dbapi_conn.execute(f"PRAGMA max_page_count={pages['max']}")

    pages["max"] = await db.scalar(sa.text("PRAGMA page_count"))
    await db.engine.dispose()
    from bot.errors import StoreUnavailable
    from bot.store.ticker_lists import TickerListRepo

    for size in (400, 40, 4):  # other servers' lists take the last free space, big rows then small ones
        with pytest.raises(StoreUnavailable):
            for n in range(3000):
                await TickerListRepo(db).save(size * 10_000 + n, "fill", [f"T{i}" for i in range(size)])
    said = len(store_lines(caplog, logging.WARNING))  # the outage the last filler met (a small write may
    for n in range(4):                                  # still fit between: each such success ends one)
        (reply,) = visible(await h.prefix(f"!universe save list{n} IWM SPY QQQ MDY", author=h.admin))
        assert reply["content"] == STORE_DOWN
    warnings = store_lines(caplog, logging.WARNING)
    assert len(warnings) == said  # the members' failures add no line to the open outage
    assert all("out of disk space" in w.getMessage() and w.exc_info is None for w in warnings)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    backs = len(store_lines(caplog, logging.INFO))
    pages["max"] = 0
    await db.engine.dispose()  # space is back
    (reply,) = visible(await h.prefix("!universe save tech IWM SPY", author=h.admin))
    assert reply["content"].startswith("List `tech` saved")
    (back,) = store_lines(caplog, logging.INFO)[backs:]
    assert "is back after" in back.getMessage()
