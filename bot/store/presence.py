"""Is the process that claimed an announcement (or holds a lease) still running?

Every open :class:`~bot.store.db.Database` has a holder name, ``host:pid:tag``. Its claims and
leases carry that name, and a claim whose holder is gone is free at once (the replacement of a
crashed process need not wait for the claim to expire):

* on this host, the holder is alive while its process runs (and, inside this process, while
  that Database is open);
* on PostgreSQL, every process also holds a session advisory lock named after its holder for
  as long as it is connected; the server drops it the moment the process dies (kill -9
  included), so another machine sees the death in ``pg_locks``.

Elsewhere (SQLite on a shared network disk) a claim is only freed by its expiry.
"""

from __future__ import annotations

import os
import socket
import uuid
import zlib

import sqlalchemy as sa

HOST = socket.gethostname()
LOCK_CLASS = 0x62726B6F  # pg_advisory_lock(class, key): "brko"
_OPEN: set[str] = set()  # holders of the Databases open in this process


def new_holder() -> str:
    return f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def opened(holder: str) -> None:
    _OPEN.add(holder)


def closed(holder: str) -> None:
    _OPEN.discard(holder)


def lock_key(holder: str) -> int:
    """The holder's advisory lock key (a positive 31-bit integer)."""
    return zlib.crc32(holder.encode()) & 0x7FFFFFFF


def presence_sql() -> sa.TextClause:
    return sa.text("SELECT pg_try_advisory_lock(:cls, :key)")  # never waits (a key collision is harmless)


def _process_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed child its parent has not reaped yet is a zombie: dead for us
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


async def alive(db, holder: str) -> bool:
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host == HOST and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            return holder in _OPEN
        return _process_running(pid)
    if db.is_postgres:
        held = await db.scalar(sa.text(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = :cls AND objid = :key AND objsubid = 2)").bindparams(cls=LOCK_CLASS, key=lock_key(holder)))
        return bool(held)
    return True
