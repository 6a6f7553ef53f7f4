"""At the close, the daily scan settles each intraday crossing of the session.

A crossing is **confirmed** when the daily rules count the session's close: from below, the
scan queued a breakout of the ticker on that session; from above (a standing breakout watched at
its invalidation), a failed or faded one. Otherwise it is **withdrawn**: closed back inside, or
past the line but not counted (:func:`bot.analysis.intraday.session.settle`). The verdict is read
back from the outbox (what the scan queued for that session, whatever the process), so a scan
re-run after a crash settles the same way.

Each server that got the notice gets one reply (an outbox row of kind ``intraday:settle``),
queued in the same transaction that marks the crossing settled: exactly once, and a crossing
posted before a crash is still settled at the next close the scan sees. A crossing whose
session has no daily bar yet waits for the next scan.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from bot.analysis.intraday.quotes import UP
from bot.analysis.intraday.session import settle
from bot.store.db import Database
from bot.store.intraday_crossings import SETTLE_KIND, CrossingRecord, CrossingRepo
from bot.store.outbox import NewMessage, OutboxRepo, event_key

log = logging.getLogger(__name__)

CONFIRMS = {UP: ("breakout",), -UP: ("failed", "faded")}  # what the scan queues when the close counts


def close_on(daily: pd.DataFrame | None, day: date) -> float | None:
    """The daily close of ``day`` (None: no such bar)."""
    if daily is None or daily.empty:
        return None
    ts = pd.Timestamp(day)
    if ts not in daily.index:
        return None
    value: Any = daily.loc[ts, "Close"]  # (a scalar, or a series on a repeated date)
    value = value.iloc[-1] if isinstance(value, pd.Series) else value
    return float(value) if pd.notna(value) else None


def settle_payload(c: CrossingRecord, outcome: str, reason: str, close: float, key: str) -> dict:
    return {"kind": SETTLE_KIND, "ticker": c.ticker, "base_id": c.base_id, "session": c.session.isoformat(),
            "outcome": outcome, "reason": reason, "close": close, "line": c.line,
            "direction": "up" if c.direction == UP else "down", "key": key}


async def settle_crossings(db: Database, frames: Mapping[str, pd.DataFrame], upto: date) -> int:
    """Settle the crossings of sessions up to ``upto`` whose close is in ``frames``; returns how
    many replies were queued."""
    repo = CrossingRepo(db)
    todo = await repo.unsettled(upto)
    if not todo:
        return 0
    stories = await OutboxRepo(db).stories(sorted({c.ticker for c in todo}), min(c.session for c in todo))
    queued = 0
    for c in todo:
        close = close_on(frames.get(c.ticker), c.session)
        if close is None:
            log.info("intraday: %s's crossing of %s waits for that session's close", c.ticker, c.session)
            continue
        counted = any(r.ticker == c.ticker and r.bar_date == c.session and r.kind in CONFIRMS[c.direction]
                      for r in stories)
        s = settle(c.direction, c.line, close, counted)
        key = event_key(c.ticker, c.base_id, SETTLE_KIND, c.session)
        payload = settle_payload(c, s.outcome, s.reason, close, key)
        replies = [NewMessage(n.guild_id, n.channel_id, c.ticker, c.base_id, SETTLE_KIND, c.session, payload)
                   for n in await repo.notices(c) if n.dropped_at is None]
        if await repo.settle(c, s.outcome, s.reason, close, replies):
            queued += len(replies)
            log.info("intraday: %s's crossing of %.2f on %s %s at the close (%.2f); %d replies queued", c.ticker,
                     c.line, c.session, s.outcome, close, len(replies))
    return queued
