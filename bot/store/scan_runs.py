"""Completed scans, so a bot that was down knows it missed one and catches up on start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.store.db import Database
from bot.store.transaction import transaction, utc_now


@dataclass(frozen=True)
class ScanRun:
    session_date: date
    started_at: str
    finished_at: str
    tickers: int
    events: int
    queued: int
    failed_tickers: int


class ScanRunRepo:
    def __init__(self, db: Database):
        self.db = db

    async def record(self, session_date: date, *, started_at: str, tickers: int, events: int, queued: int,
                     failed_tickers: int) -> None:
        async with transaction(self.db) as conn:
            await conn.execute(
                "INSERT INTO scan_runs (session_date, started_at, finished_at, tickers, events, queued, failed_tickers)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (session_date.isoformat(), started_at, utc_now(), tickers, events, queued, failed_tickers),
            )

    async def last_session(self) -> date | None:
        """The newest session a completed scan covered (None before the first scan)."""
        async with self.db.conn.execute("SELECT MAX(session_date) FROM scan_runs") as cur:
            row = await cur.fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    async def last_with_tickers(self, since: str | None = None) -> ScanRun | None:
        """The newest completed scan that covered at least one ticker and finished at or after
        ``since`` (a UTC ISO time; None: any). A scan of nobody's tickers says nothing to a server."""
        async with self.db.conn.execute(
            "SELECT * FROM scan_runs WHERE tickers > 0 AND finished_at >= ? ORDER BY id DESC LIMIT 1",
            (since or "",),
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else _run(row)

    async def recent(self, limit: int = 10) -> list[ScanRun]:
        async with self.db.conn.execute(
            "SELECT * FROM scan_runs ORDER BY id DESC LIMIT ?", (limit,)
        ) as cur:
            rows = await cur.fetchall()
        return [_run(r) for r in rows]


def _run(r) -> ScanRun:
    return ScanRun(date.fromisoformat(r["session_date"]), r["started_at"], r["finished_at"], r["tickers"],
                   r["events"], r["queued"], r["failed_tickers"])
