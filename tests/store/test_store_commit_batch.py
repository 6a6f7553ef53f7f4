"""The scanner writes a chunk of tickers in one transaction: every state with the outbox rows
its events produced, all or nothing, and an event queued twice is one row."""

from datetime import date

import pytest

from bot.store.engine_states import EngineStateRepo, StateRecord
from bot.store.outbox import NewMessage, OutboxRepo

# ``db``: tests/store_engines.py (each test runs on SQLite and on PostgreSQL)

DAY = date(2023, 12, 26)


def _batch(phase: str, tickers=("IWM", "SPY", "TLT")):
    return [
        (StateRecord(t, f'{{"phase": "{phase}"}}', DAY, phase=phase, level=100.0 + i, last_close=99.0 + i),
         [NewMessage(g, g * 10, t, f"{t}:b", "breakout", DAY, {"ticker": t}) for g in (1, 2)] if t != "TLT" else [])
        for i, t in enumerate(tickers)
    ]


async def test_a_chunk_writes_every_state_and_its_rows(db):
    outbox, states = OutboxRepo(db), EngineStateRepo(db)
    assert await outbox.commit_tickers(_batch("breakout")) == 4
    got = await states.get_many(["IWM", "SPY", "TLT"])
    assert {t: (r.phase, r.level, r.last_date) for t, r in got.items()} == {
        "IWM": ("breakout", 100.0, DAY), "SPY": ("breakout", 101.0, DAY), "TLT": ("breakout", 102.0, DAY)}
    # the same chunk again (a scan redone after a crash): states updated, no row twice
    assert await outbox.commit_tickers(_batch("failed")) == 0
    assert len(await outbox.rows()) == 4
    assert (await states.get("SPY")).phase == "failed"
    assert await outbox.commit_tickers([]) == 0


async def test_a_chunk_is_all_or_nothing(db):
    outbox, states = OutboxRepo(db), EngineStateRepo(db)
    bad = _batch("breakout")
    bad.append((StateRecord("QQQ", "{}", DAY), [NewMessage(1, 10, "QQQ", "q", "breakout", DAY, {"x": object()})]))
    with pytest.raises(TypeError):  # a payload that cannot be written fails the whole chunk
        await outbox.commit_tickers(bad)
    assert await states.get_many(["IWM", "SPY", "TLT", "QQQ"]) == {}
    assert await outbox.rows() == []
