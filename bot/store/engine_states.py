"""The breakout engine's per-ticker state (JSON) and a small summary for `watch list`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.store.db import Database


@dataclass(frozen=True)
class StateRecord:
    ticker: str
    state_json: str
    last_date: date | None  # newest bar the engine processed
    phase: str | None = None  # idle / armed / breakout / failed
    level: float | None = None  # resistance of the watched base, if any
    last_close: float | None = None

    @property
    def distance_pct(self) -> float | None:
        """Last close vs resistance in percent (negative = below)."""
        if self.level is None or self.last_close is None or self.level <= 0:
            return None
        return (self.last_close / self.level - 1.0) * 100.0


def _record(row) -> StateRecord:
    return StateRecord(
        ticker=row["ticker"],
        state_json=row["state_json"],
        last_date=date.fromisoformat(row["last_date"]) if row["last_date"] else None,
        phase=row["phase"],
        level=row["level"],
        last_close=row["last_close"],
    )


async def upsert_state(conn, rec: StateRecord, now: str) -> None:
    """Write inside an open transaction (the scanner's state + outbox commit)."""
    await conn.execute(
        """
        INSERT INTO engine_states (ticker, state_json, last_date, phase, level, last_close, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (ticker) DO UPDATE SET state_json = excluded.state_json, last_date = excluded.last_date,
            phase = excluded.phase, level = excluded.level, last_close = excluded.last_close,
            updated_at = excluded.updated_at
        """,
        (rec.ticker, rec.state_json, rec.last_date.isoformat() if rec.last_date else None,
         rec.phase, rec.level, rec.last_close, now),
    )


class EngineStateRepo:
    def __init__(self, db: Database):
        self.db = db

    async def get(self, ticker: str) -> StateRecord | None:
        return (await self.get_many([ticker])).get(ticker)

    async def get_many(self, tickers: Sequence[str]) -> dict[str, StateRecord]:
        out: dict[str, StateRecord] = {}
        tickers = list(tickers)
        for i in range(0, len(tickers), 500):  # stay under SQLite's variable limit
            chunk = tickers[i : i + 500]
            marks = ",".join("?" * len(chunk))
            async with self.db.conn.execute(f"SELECT * FROM engine_states WHERE ticker IN ({marks})", chunk) as cur:
                for row in await cur.fetchall():
                    out[row["ticker"]] = _record(row)
        return out
