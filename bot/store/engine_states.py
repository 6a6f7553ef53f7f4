"""The breakout engine's per-ticker state (JSON) and a small summary for `watch list`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from bot.store.db import Database
from bot.store.schema import engine_states


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


async def upsert_state(db: Database, conn, rec: StateRecord, now: str) -> None:
    """Write inside an open transaction (the scanner's state + outbox commit)."""
    values = dict(ticker=rec.ticker, state_json=rec.state_json,
                  last_date=rec.last_date.isoformat() if rec.last_date else None, phase=rec.phase,
                  level=rec.level, last_close=rec.last_close, updated_at=now)
    stmt = db.insert(engine_states).values(**values)
    await conn.execute(stmt.on_conflict_do_update(
        index_elements=["ticker"], set_={k: stmt.excluded[k] for k in values if k != "ticker"}))


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
            for row in await self.db.all(sa.select(engine_states).where(engine_states.c.ticker.in_(chunk))):
                out[row["ticker"]] = _record(row)
        return out
