"""The store: SQLite (embedded, the default) or PostgreSQL, through SQLAlchemy 2 Core (async).

``Database(target)`` takes a SQLite path (or ``:memory:``) or a ``postgresql://`` /
``postgres://`` URL. :meth:`Database.open` connects and brings the schema to the newest
Alembic revision (:mod:`bot.store.migrate`); any failure there closes every connection (no
thread or socket keeps the process alive) and is one :class:`DatabaseUnavailable` sentence.

Writes go through :meth:`Database.transaction` (all or nothing). On SQLite writers take turns
inside the process (an asyncio lock) and across processes (``BEGIN IMMEDIATE`` with a busy
timeout); reads run on other pooled connections and see committed data only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.errors import DatabaseUnavailable, StoreUnavailable
from bot.store import faults, presence
from bot.store.urls import shown, store_url

log = logging.getLogger(__name__)

WAL_SIZE_LIMIT = 4 * 1024 * 1024  # bytes the SQLite write-ahead log keeps after a checkpoint
_WRITE = "breakout_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)


class Database:
    def __init__(self, target: str | Path | URL, *, timeout: float = 10.0, schema: str | None = None,
                 setting: str | None = None, command_timeout: float | None = None):
        self.url = store_url(target)
        self.setting = setting  # what messages tell the user to fix (default DATABASE_URL / BREAKOUT_DB_PATH)
        self.dialect: str = self.url.get_backend_name()  # "sqlite" or "postgresql"
        self.path = shown(self.url)  # how messages name it: never a password
        self.timeout = timeout  # seconds to wait for a lock (SQLite) or a connection (PostgreSQL)
        self.schema = schema  # PostgreSQL: the schema holding the bot's tables (default: public)
        # PostgreSQL: seconds one statement may take when no member waits (background work, a
        # scan's big reads): a frozen server fails it after this and the work retries later
        self.command_timeout = command_timeout if command_timeout is not None else max(timeout * 6, 60.0)
        self._engine: AsyncEngine | None = None
        self._write_lock = asyncio.Lock()
        self._memory = self.dialect == "sqlite" and self.url.database in (None, "", ":memory:")
        self.holder = presence.new_holder()  # this process's name on claims and leases (bot.store.presence)
        self._presence: AsyncConnection | None = None
        self.outage = faults.Outage(self.path)  # one log line when the store goes, one when it is back
        self._opening = False
        self._fold_due = False  # SQLite after a full disk: fold the write-ahead log once it answers again
        self._cleanups: set[asyncio.Task] = set()  # connections the store failed on, closing in the background

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            raise RuntimeError("database is not open")
        return self._engine

    # ---- lifecycle -----------------------------------------------------------------------
    async def open(self) -> "Database":
        """Connect and migrate; on any failure every connection is closed again, and a store
        that cannot be used is DatabaseUnavailable (one sentence: which store, why, what to do)."""
        if self._engine is None:
            try:
                if self.dialect == "sqlite" and not self._memory and self.url.database:
                    Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
                self._opening = True  # a failure now is DatabaseUnavailable's one line, not an outage
                self._engine = self._create_engine()
                if self.is_postgres and self.schema:  # the tables' schema: created when missing
                    await asyncio.wait_for(self._create_schema(self.schema), timeout=self.timeout * 3)
                from bot.store.migrate import upgrade

                await asyncio.wait_for(upgrade(self), timeout=self.timeout * 3)
                if self.is_postgres:  # held while connected: other machines see this process alive
                    await self._take_presence()
                elif not await self.fold_wal():  # a log left long by the last run (a full disk)
                    self._fold_due = True  # is folded in and cut now, else after the next use
                presence.opened(self.holder)
                self._opening = False
            except BaseException as exc:
                self._opening = False
                await self.close()  # an open connection (thread, socket) would keep the process alive
                root = exc.__cause__ if isinstance(exc, StoreUnavailable) and exc.__cause__ is not None else exc
                if is_store_error(root):
                    raise DatabaseUnavailable(unusable(self.path, root, postgres=self.is_postgres,
                                                       setting=self.setting)) from root
                raise
        return self

    async def _create_schema(self, schema: str) -> None:
        quoted = self.engine.dialect.identifier_preparer.quote_identifier(schema)
        async with self.engine.begin() as conn:
            await conn.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {quoted}"))

    async def _take_presence(self) -> None:
        conn = await self.engine.connect()
        try:
            await conn.execute(presence.presence_sql(),
                               {"cls": presence.LOCK_CLASS, "key": presence.lock_key(self.holder)})
            await conn.commit()
        except BaseException:
            faults.in_background(self._drop(conn), self._cleanups)
            raise
        self._presence = conn

    async def refresh_presence(self) -> None:
        """PostgreSQL: after a lost connection, take this process's presence lock again (other
        processes took its unfinished claims meanwhile; begin_attempt keeps each post single).
        A store still away is StoreUnavailable (and the outage's one log line)."""
        if not self.is_postgres or self._engine is None:
            return
        if self._presence is not None:
            try:
                await self._presence.execute(sa.text("SELECT 1"))
                await self._presence.commit()
                return
            except sa.exc.DBAPIError as exc:
                if not self.outage.failed(exc, where="presence"):
                    log.warning("the database connection was lost (%s); connecting again", type(exc.orig).__name__)
                conn, self._presence = self._presence, None
                faults.in_background(self._drop(conn), self._cleanups)
        try:
            await self._take_presence()
        except Exception as exc:
            if not faults.is_store_fault(exc):
                raise
            self.outage.failed(exc, where="presence")
            raise faults.unavailable(exc) from exc

    async def close(self) -> None:
        presence.closed(self.holder)
        if self._presence is not None:
            conn, self._presence = self._presence, None
            try:
                await conn.close()
            except Exception as exc:  # the server is gone: so is the session and its lock
                log.debug("closing the presence connection: %s", exc)
        if self._cleanups:  # failed connections still closing: a moment, then the pool goes anyway
            await asyncio.wait(list(self._cleanups), timeout=2.0)
        if self._engine is not None:
            engine, self._engine = self._engine, None
            await engine.dispose()

    async def __aenter__(self) -> "Database":
        return await self.open()

    async def __aexit__(self, *exc) -> None:
        await self.close()

    def _create_engine(self) -> AsyncEngine:
        if self.dialect == "sqlite":
            kw: dict = {"connect_args": {"timeout": self.timeout}}
            if self._memory:
                kw["poolclass"] = StaticPool
            engine = create_async_engine(self.url, **kw)
            _sqlite_setup(engine)
            return engine
        # application_name: pg_stat_activity shows which bot process holds each connection.
        # Commits stay durable (the server's synchronous_commit): turning it off made delivery 4x
        # faster (91 -> 398 rows/s here), but a server crash could then forget that an announcement
        # was sent (posted twice) or queued (lost), and Discord lets a bot post only ~50 messages a
        # second anyway.
        settings = {"application_name": f"breakout-bot {self.holder}"[:63]}
        if self.schema:
            settings["search_path"] = self.schema
        connect_args: dict = {"timeout": self.timeout, "command_timeout": self.command_timeout,
                              "server_settings": settings}
        return create_async_engine(self.url, connect_args=connect_args, pool_pre_ping=True, pool_size=5,
                                   max_overflow=5, pool_timeout=self.timeout)

    # ---- access ---------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """``async with db.transaction() as conn:`` — all or nothing, committed at the end."""
        async with self._use(write=True) as conn:
            yield conn

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads (committed data). In-memory SQLite has one connection, so
        reads there wait for a running write."""
        async with self._use(write=False) as conn:
            yield conn

    @contextlib.asynccontextmanager
    async def _use(self, *, write: bool) -> AsyncIterator[AsyncConnection]:
        """One use of the store. A fault of the store (unreachable, frozen, locked, full) is
        :class:`StoreUnavailable` and told to :attr:`outage` (one log line per outage); while a
        member waits (:func:`bot.store.faults.answering`) the use is bounded by the timeout, and
        a failed connection is cleaned up in the background so a frozen server holds no answer."""
        serial = self.dialect == "sqlite" if write else self._memory
        lock = self._write_lock if serial else contextlib.nullcontext()
        bound = faults.bound_for(self.timeout)
        body_failed = False
        try:
            async with asyncio.timeout(bound):
                async with lock:
                    engine = self.engine.execution_options(**{_WRITE: True}) if write else self.engine
                    conn = await self._connect(engine)
                    try:
                        if write:
                            await conn.begin()
                        try:
                            yield conn
                        except BaseException:
                            body_failed = True
                            raise
                        if write:
                            await conn.commit()
                    except BaseException as exc:
                        if faults.fault_kind(exc) is None and not isinstance(exc, asyncio.CancelledError):
                            await conn.close()  # a program error: roll back here and now
                        else:  # the store (or a cancel): never wait for a server that may be frozen
                            faults.in_background(self._drop(conn), self._cleanups)
                        raise
                    await conn.close()
        except BaseException as exc:
            if isinstance(exc, StoreUnavailable | asyncio.CancelledError | GeneratorExit):
                raise
            if body_failed and faults.fault_kind(exc) is None:
                raise  # the caller's own error (a limit, a bug): not the store's
            kind = faults.fault_kind(exc)
            if kind is None:
                raise
            self._store_failed(exc, kind, write=write)
            raise faults.unavailable(exc, kind) from exc
        self._store_answered(write=write)

    async def fold_wal(self) -> bool:
        """SQLite: copy the write-ahead log into the database and cut it to nothing (``PRAGMA
        wal_checkpoint(TRUNCATE)``); what a full disk needs once space returns, as retries
        grew the log. False when it could not be done now (busy readers, still no space)."""
        if self.dialect != "sqlite" or self._memory or self._engine is None:
            return False
        try:
            async with self._write_lock, self.engine.connect() as conn:
                busy = (await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).one()[0]  # (busy, log, checkpointed)
        except sa.exc.DBAPIError as exc:
            log.debug("folding the write-ahead log of %s: %s", self.path, faults.detail_of(exc))
            return False
        return not busy

    def _store_failed(self, exc: BaseException, kind: str, *, write: bool) -> None:
        if self._opening:
            return
        self.outage.failed(exc, write=write)
        if kind == faults.DISK_FULL and self.dialect == "sqlite":
            self._fold_due = True

    def _store_answered(self, *, write: bool) -> None:
        self.outage.ok(write=write)
        if self._fold_due and write:  # space is back: give the log the retries grew back to the disk
            self._fold_due = False
            faults.in_background(self._fold_or_later(), self._cleanups)

    async def _fold_or_later(self) -> None:
        if not await self.fold_wal():
            self._fold_due = True

    async def _connect(self, engine: AsyncEngine) -> AsyncConnection:
        """``engine.connect()``; when the wait is cut (a member's bound, a cancel) the connect goes
        on in the background and its connection is closed there: the pool's check of a pooled
        connection (pre-ping) against a frozen server would otherwise hold the answer while it
        closes that connection gracefully."""
        task = asyncio.ensure_future(engine.connect())
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            faults.in_background(self._close_late(task), self._cleanups)
            raise

    async def _close_late(self, task: asyncio.Future) -> None:
        conn = await task
        await self._drop(conn)

    async def _drop(self, conn: AsyncConnection) -> None:
        """Close a connection the store failed on: PostgreSQL's is cut (not returned to the pool);
        SQLite's is rolled back and closed (in memory the one connection is the database)."""
        if self.is_postgres:
            with contextlib.suppress(Exception):
                await conn.invalidate()
        await conn.close()

    async def all(self, stmt) -> list[sa.RowMapping]:
        async with self.reading() as conn:
            return list((await conn.execute(stmt)).mappings().all())

    async def one(self, stmt) -> sa.RowMapping | None:
        async with self.reading() as conn:
            return (await conn.execute(stmt)).mappings().first()

    async def scalar(self, stmt):
        async with self.reading() as conn:
            return (await conn.execute(stmt)).scalar()

    def insert(self, table: sa.Table):
        """INSERT with this engine's ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
        return (postgresql.insert if self.is_postgres else sqlite.insert)(table)

    async def version(self) -> str | None:
        """The Alembic revision the schema is at."""
        from bot.store.migrate import current_revision

        async with self.reading() as conn:
            return await conn.run_sync(current_revision)


def _sqlite_setup(engine: AsyncEngine) -> None:
    """WAL, foreign keys and explicit transactions on every SQLite connection: the driver's
    own implicit BEGIN is off, so a write transaction can start with BEGIN IMMEDIATE (the
    lock is taken up front, waiting up to the timeout for another process's writer)."""

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                       f"journal_size_limit={WAL_SIZE_LIMIT}"):
            # With WAL, NORMAL loses no committed transaction on an application crash (only,
            # possibly, the last ones on a power cut) and saves an fsync per commit. The size
            # limit: after a checkpoint the write-ahead log is cut back to it (by default it
            # keeps its largest size for ever: on a small disk, the log alone fills it).
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


def is_store_error(exc: BaseException) -> bool:
    """An error of the database (unreachable, corrupt, locked, refused), not of the program."""
    if isinstance(exc, (sa.exc.DBAPIError, sa.exc.OperationalError, sqlite3.Error, OSError, TimeoutError)):
        return True
    if isinstance(exc, sa.exc.SQLAlchemyError) and isinstance(exc.__cause__, (sqlite3.Error, OSError)):
        return True
    return type(exc).__module__.startswith("asyncpg")


def is_database_error(exc: BaseException) -> bool:
    """An error raised by the database while the program ran (not an OSError of some file)."""
    return (isinstance(exc, (sa.exc.SQLAlchemyError, sqlite3.Error))
            or type(exc).__module__.startswith("asyncpg"))


def unusable(path: str | Path, exc: BaseException, *, postgres: bool | None = None, setting: str | None = None) -> str:
    """One line saying why the store cannot be used and what to do (``setting``: the option or
    variable that chose this store, named in the advice; default DATABASE_URL / BREAKOUT_DB_PATH)."""
    name = str(path)
    if postgres is None:
        postgres = name.startswith("postgresql://")
    root = getattr(exc, "orig", None) or exc.__cause__ or exc
    if isinstance(root, OSError) and not isinstance(root, TimeoutError):
        text = root.strerror or str(root)
    else:
        text = str(root).splitlines()[0] if str(root) else type(root).__name__
    if postgres:
        if isinstance(root, (OSError, TimeoutError)) or isinstance(exc, TimeoutError):
            why = "no answer" if isinstance(root, TimeoutError) or isinstance(exc, TimeoutError) else text
            return (f"The database {name} cannot be reached ({why}): start PostgreSQL or check {setting or 'DATABASE_URL'}.")
        return f"The database {name} cannot be used ({text}): check {setting or 'DATABASE_URL'} and the server's log."
    other = f"give {setting} another file" if setting else "set BREAKOUT_DB_PATH to another file"
    if "locked" in text or "busy" in text:
        return (f"The database {name} is locked by another process (another breakout-bot?): "
                f"stop it, or {other}.")
    return f"The database {name} cannot be used ({text}): move it away or {other}."
