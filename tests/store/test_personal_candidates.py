"""The scan reads only the personal alerts that can fire (PersonalAlertRepo.for_tickers with
Bounds): the firings are the same as when every alert is read (the plain path), on both engines."""

from __future__ import annotations

import random

from scan_fakes import make_event, synthetic_daily

from bot.scan.personal import bounds_of, firings
from bot.store.engine_states import StateRecord
from bot.store.personal_alerts import AlertRefused, Bounds, PersonalAlertRepo

KINDS = ("above", "below", "move", "breakout", "failed", "test", "any")


async def test_candidates_fire_exactly_as_all_alerts_do(db):
    rng = random.Random(5)
    repo = PersonalAlertRepo(db, per_member=10_000, per_server=10_000)
    tickers = [f"T{i}" for i in range(12)]
    frames = {t: synthetic_daily("2023-01-02", "2023-06-30", base=50.0 + 7 * i) for i, t in enumerate(tickers)}
    for t in tickers:
        last = float(frames[t]["Close"].iloc[-4])
        for j in range(40):
            kind = rng.choice(KINDS)
            level = {"above": last * rng.uniform(0.97, 1.08), "below": last * rng.uniform(0.92, 1.03),
                     "move": rng.uniform(0.5, 6.0)}.get(kind, 0.0)
            try:
                await repo.add(1, 100 + j, t, kind, round(level, 2))
            except AlertRefused:  # a duplicate draw: skip it
                continue
    stored, events, bounds = {}, {}, {}
    for i, t in enumerate(tickers):
        df = frames[t]
        since = df.index[-4].date() if i % 3 else None  # three new bars, or a first scan's one
        stored[t] = StateRecord(t, "{}", since, "idle", None, None) if since else None
        kind = ("breakout", "failed", "testing", None)[i % 4]
        events[t] = [make_event(t, kind, df.index[-1].date(), float(df["Close"].iloc[-1]))] if kind else []
        bounds[t] = bounds_of(df, stored[t], events[t])
    every = await repo.for_tickers(tickers)
    picked = await repo.for_tickers(bounds)
    total = 0
    for t in tickers:
        since = stored[t].last_date if stored[t] else None
        plain = firings(every.get(t, []), frames[t], since, events[t])
        fast = firings(picked.get(t, []), frames[t], since, events[t])
        assert [(f.alert.id, f.day, f.change) for f in fast] == [(f.alert.id, f.day, f.change) for f in plain]
        total += len(plain)
        assert len(picked.get(t, [])) <= len(every.get(t, []))
    assert total > 20  # the comparison covers real firings
    assert sum(map(len, picked.values())) < sum(map(len, every.values()))  # and reads fewer alerts


async def test_sqlites_driver_read_equals_sqlalchemys(db):
    """On SQLite the bounded read goes to the driver as compiled text; the alerts and targets it
    gives are exactly SQLAlchemy's (``plain_reads``), on PostgreSQL trivially the same path."""
    rng = random.Random(8)
    repo = PersonalAlertRepo(db, per_member=10_000, per_server=10_000)
    plain = PersonalAlertRepo(db, plain_reads=True)
    tickers = [f"T{i}" for i in range(140)]  # more than one chunk of 100
    for i, t in enumerate(tickers[:60]):
        for j in range(8):
            kind = KINDS[(i + j) % len(KINDS)]
            level = {"above": rng.uniform(90, 110), "below": rng.uniform(90, 110), "move": rng.uniform(0.5, 6)}.get(kind, 0.0)
            try:
                await repo.add(1 + j % 2, 100 + j, t, kind, round(level, 2))
            except AlertRefused:
                continue
    await repo.set_via(1, 101, "channel")
    bounds = {t: Bounds(95.0 + i % 7, 104.0 - i % 5, 1.0 + i % 4, frozenset({"breakout"} if i % 3 else {"failed"}))
              for i, t in enumerate(tickers)}
    fast, slow = await repo.for_tickers(bounds), await plain.for_tickers(bounds)
    assert fast == slow
    assert sum(map(len, slow.values())) > 40  # the comparison covers real candidates
