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


_STATE_COLUMNS = ("ticker", "state_json", "last_date", "phase", "level", "last_close", "updated_at")
_upserts: dict[str, sa.sql.Insert] = {}  # one statement per dialect, built once


def _upsert(db: Database) -> sa.sql.Insert:
    stmt = _upserts.get(db.dialect)
    if stmt is None:
        ins = db.insert(engine_states)
        stmt = _upserts[db.dialect] = ins.on_conflict_do_update(
            index_elements=["ticker"], set_={k: ins.excluded[k] for k in _STATE_COLUMNS if k != "ticker"})
    return stmt


async def upsert_states(db: Database, conn, recs: Sequence[StateRecord], now: str) -> None:
    """Write states inside an open transaction (the scanner's state + outbox commit), as one
    statement."""
    if not recs:
        return
    await conn.execute(_upsert(db), [
        dict(ticker=r.ticker, state_json=r.state_json, last_date=r.last_date.isoformat() if r.last_date else None,
             phase=r.phase, level=r.level, last_close=r.last_close, updated_at=now)
        for r in recs])


class EngineStateRepo:
    def __init__(self, db: Database):
        self.db = db

    async def get(self, ticker: str) -> StateRecord | None:
        return (await self.get_many([ticker])).get(ticker)

    async def all(self) -> dict[str, StateRecord]:
        """Every ticker's state (the intraday watch reads them once a session)."""
        return {row["ticker"]: _record(row) for row in await self.db.all(sa.select(engine_states))}

    async def get_many(self, tickers: Sequence[str]) -> dict[str, StateRecord]:
        out: dict[str, StateRecord] = {}
        tickers = list(tickers)
        for i in range(0, len(tickers), 500):  # stay under SQLite's variable limit
            chunk = tickers[i : i + 500]
            for row in await self.db.all(sa.select(engine_states).where(engine_states.c.ticker.in_(chunk))):
                out[row["ticker"]] = _record(row)
        return out
