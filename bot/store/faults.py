"""The store failing while the bot runs: what kind of fault it is, one log line per outage, and
how long a member may wait for it.

Every use of the store goes through :meth:`Database.reading` / :meth:`Database.transaction`
(``bot.store.db``). There, an error of the store itself — unreachable, frozen, locked, full, a
lost connection — becomes one typed error, :class:`bot.errors.StoreUnavailable`, and is told to
the database's :class:`Outage`: the first failure of an outage is one WARNING (the traceback
only with ``-v``), the rest are DEBUG, and the first success after it is one INFO saying how
long the store was gone. Commands and the background loops (announcer wake-ups, leases) share
the same tracker, so an outage reads the same in the log whoever meets it.

A member waiting for an answer (:func:`answering`) waits at most the store's timeout
(``BREAKOUT_DB_TIMEOUT``) plus :data:`WAIT_MARGIN` for each use of the store; background work
(scan, delivery) keeps the driver's longer limits.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import errno
import logging
import sqlite3
import time
from collections.abc import Iterator

import sqlalchemy as sa

from bot.errors import StoreUnavailable
from bot.logs import tracebacks
from bot.words.errors import STORE_DOWN

log = logging.getLogger(__name__)

WAIT_MARGIN = 1.0  # seconds beyond the store's own timeout (its busy/connect timeouts fire first)

# What a fault is, in the operator's words (the log line).
UNREACHABLE = "cannot be reached"
TIMED_OUT = "did not answer in time"
LOCKED = "is locked by another writer"
DISK_FULL = "is out of disk space"
DISK_ERROR = "cannot read or write its files"
LOST = "lost its connection"
RESTARTING = "is shutting down or starting up"
CROWDED = "refused more connections"
READ_ONLY = "is read-only"
FAILED = "failed"

_SQLITE_WORDS = (  # sqlite3's messages (they carry no error code before Python 3.11's sqlite_errorcode)
    ("locked", LOCKED), ("busy", LOCKED), ("disk is full", DISK_FULL), ("disk i/o", DISK_ERROR),
    ("unable to open", DISK_ERROR), ("readonly", READ_ONLY), ("read-only", READ_ONLY),
)
_ANSWERING: contextvars.ContextVar[bool] = contextvars.ContextVar("breakout_answering", default=False)


# ---- what kind of fault ------------------------------------------------------------------
def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < 12:
        e = todo.pop(0)
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [getattr(e, "orig", None), e.__cause__, e.__context__]


def _asyncpg_kind(e: BaseException) -> str | None:
    try:
        from asyncpg import exceptions as pg
    except ImportError:  # pragma: no cover - asyncpg is a dependency
        return None
    if isinstance(e, pg.InsufficientResourcesError):  # class 53
        return DISK_FULL if isinstance(e, pg.DiskFullError) else CROWDED
    if isinstance(e, pg.QueryCanceledError):
        return TIMED_OUT
    if isinstance(e, pg.OperatorInterventionError):  # class 57: admin shutdown, crash, starting up
        return RESTARTING
    if isinstance(e, pg.ReadOnlySQLTransactionError):  # a standby after a failover
        return READ_ONLY
    if isinstance(e, pg.PostgresConnectionError | pg.ConnectionDoesNotExistError):
        return LOST
    if isinstance(e, pg.InterfaceError) and "closed" in str(e).lower():
        return LOST
    return None


def fault_kind(exc: BaseException) -> str | None:
    """The kind of store fault ``exc`` is (one of this module's phrases), or None when it is not
    one: a bug, a constraint, bad SQL (those stay errors of the program)."""
    if isinstance(exc, StoreUnavailable):
        return exc.kind
    generic = None
    for e in _chain(exc):
        if isinstance(e, StoreUnavailable):
            return e.kind
        if isinstance(e, sqlite3.Error):
            text = str(e).lower()
            return next((kind for word, kind in _SQLITE_WORDS if word in text), None)
        kind = _asyncpg_kind(e)
        if kind is not None:
            return kind
        if isinstance(e, sa.exc.TimeoutError | TimeoutError):  # the pool, a connect, our own bound
            return TIMED_OUT
        if isinstance(e, OSError):
            if e.errno == errno.ENOSPC:
                return DISK_FULL
            if isinstance(e, ConnectionError) or e.errno in (errno.ECONNREFUSED, errno.EHOSTUNREACH,
                                                             errno.ENETUNREACH, errno.ECONNRESET):
                return UNREACHABLE
            generic = generic or UNREACHABLE
        if isinstance(e, sa.exc.DisconnectionError | sa.exc.InterfaceError):
            generic = generic or LOST
        elif isinstance(e, sa.exc.DBAPIError) and getattr(e, "connection_invalidated", False):
            generic = generic or LOST
        elif isinstance(e, sa.exc.OperationalError) and type(e.orig).__module__.split(".")[0] != "sqlite3":
            generic = generic or FAILED
    return generic


def _from_a_store(e: BaseException) -> bool:
    return (isinstance(e, sa.exc.SQLAlchemyError | sqlite3.Error | StoreUnavailable)
            or type(e).__module__.split(".")[0] == "asyncpg")


def is_store_fault(exc: BaseException) -> bool:
    """A fault of the store, raised by the store (a TimeoutError or OSError of anything else,
    a price file say, is not the database's)."""
    return fault_kind(exc) is not None and any(_from_a_store(e) for e in _chain(exc))


def detail_of(exc: BaseException) -> str:
    """The innermost driver message, one line (for the operator's log, never for members)."""
    inner = exc
    for e in _chain(exc):
        inner = e
        if isinstance(e, sqlite3.Error | OSError) or type(e).__module__.startswith("asyncpg"):
            break
    text = str(inner).strip().splitlines()[0] if str(inner).strip() else ""
    return f"{type(inner).__name__}: {text}"[:200] if text else type(inner).__name__


def unavailable(exc: BaseException, kind: str | None = None, *, noted: bool = True) -> StoreUnavailable:
    """The typed error for a store fault (chain it: ``raise unavailable(exc) from exc``);
    ``noted``: its outage tracker has counted it already."""
    kind = kind or fault_kind(exc) or FAILED
    error = StoreUnavailable(STORE_DOWN, kind=kind, detail=detail_of(exc))
    error.noted = noted
    return error


# ---- one line per outage -----------------------------------------------------------------
def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


class Outage:
    """Whether the store is away, since when; says so once when it goes and once when it is back."""

    def __init__(self, name: str, *, clock=time.monotonic):
        self.name = name  # how the log names the store (never with a password)
        self.clock = clock
        self.since: float | None = None
        self.kind: str | None = None
        self.failures = 0
        self.writes_only = False  # only writes failed so far (reads working do not end the outage)

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, exc: BaseException, *, where: str = "", write: bool = False) -> bool:
        """Note a failure; True when it was a store fault (then logged: WARNING once per outage).
        ``write``: it failed a write (a lock or a full disk may leave reads working)."""
        kind = fault_kind(exc)
        if kind is None:
            return False
        if any(getattr(e, "noted", False) for e in _chain(exc)):
            return True  # the store told this one already (Database raises it noted)
        self.failures += 1
        where = f" ({where})" if where else ""
        if self.since is None:
            self.since, self.kind, self.writes_only = self.clock(), kind, write
            log.warning("the database %s %s: %s%s; members are told it is unavailable and background work "
                        "retries until it is back", self.name, kind, detail_of(exc), where,
                        exc_info=exc if tracebacks() else None)
        else:
            self.writes_only = self.writes_only and write
            log.debug("the database %s is still unavailable (%s: %s)%s", self.name, kind, detail_of(exc), where)
        return True

    def ok(self, *, write: bool = True) -> None:
        """A use of the store worked: the outage is over (when only writes failed, a write must work)."""
        if self.since is None or (self.writes_only and not write):
            return
        gone, failures = self.clock() - self.since, self.failures
        self.since, self.kind, self.failures = None, None, 0
        log.info("the database %s is back after %s (%d failed uses meanwhile)", self.name, _duration(gone), failures)


# ---- how long a member waits ---------------------------------------------------------------
@contextlib.contextmanager
def answering() -> Iterator[None]:
    """Within this block a member waits for the answer: each use of the store is bounded."""
    token = _ANSWERING.set(True)
    try:
        yield
    finally:
        _ANSWERING.reset(token)


@contextlib.contextmanager
def patient() -> Iterator[None]:
    """Within this block no member waits (a warm-up a command left running in the background):
    the store's uses keep the driver's longer limits, as the scan's do."""
    token = _ANSWERING.set(False)
    try:
        yield
    finally:
        _ANSWERING.reset(token)


def mark_answering() -> None:
    """The rest of this task answers a member (for a task of its own, e.g. a button press)."""
    _ANSWERING.set(True)


def member_waiting() -> bool:
    return _ANSWERING.get()


def bound_for(timeout: float) -> float | None:
    """Seconds one use of the store may take now: bounded while a member waits, else None."""
    return timeout + WAIT_MARGIN if member_waiting() else None


def in_background(coro, tasks: set[asyncio.Task]) -> None:
    """Run a connection's cleanup in the background (a frozen server must not hold the answer);
    ``tasks`` keeps it until done (the database waits a moment for them when it closes)."""
    task = asyncio.ensure_future(coro)
    tasks.add(task)
    task.add_done_callback(_forget(tasks))


def _forget(tasks: set[asyncio.Task]):
    def done(task: asyncio.Task) -> None:
        tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.debug("closing a failed database connection: %s", detail_of(exc))

    return done
