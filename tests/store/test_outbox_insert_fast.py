"""The outbox INSERT hands SQLite's driver plain tuples (OutboxRepo._insert): the rows stored
and the count returned are exactly those of the plain SQLAlchemy path (_insert_plain), duplicate
keys included, and payloads whose shared part is written once a batch (SharedPayload), on both engines."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from bot.store.outbox import NewMessage, OutboxRepo, SharedPayload
from bot.store.schema import outbox
from bot.store.transaction import transaction


def _messages() -> list[NewMessage]:
    out = []
    for i in range(40):
        payload = {"kind": "above", "ticker": f"T{i % 6}", "close": 10.5 + i, "level": None, "note": "café ✓",
                   "nested": {"a": [1, 2.25, None, True]}, "personal": {"user_id": 7 + i}}
        out.append(NewMessage(1 + i % 3, 0 if i % 2 else 55, f"T{i % 6}", f"alert{i}@{7 + i}", "above",
                              date(2024, 1, 2 + i % 2), payload, user_id=(7 + i) if i % 4 else None))
    # an event's members share its announcement: the own keys override one of its keys in place
    # ("key"), add others after it; a part with a number as a key, and empty parts, too
    announced = {"kind": "breakout", "key": "T1|B1|breakout|2024-01-02", "evidence": {"rs": 91.5, "tests": [1, 2]},
                 "odds": None, "sentence": "über ✓ \"quoted\""}
    odd = {1: "one", "kind": "breakout"}
    for i, shared in enumerate([announced] * 6 + [odd, {}]):
        own = {} if i == 7 else {"personal": {"user_id": 500 + i, "via": "dm"}, "key": f"T1|B1@{500 + i}|breakout"}
        out.append(NewMessage(4, 0, "T1", f"B1@{500 + i}", "breakout", date(2024, 1, 2), SharedPayload(shared, own),
                              user_id=500 + i))
    return out + out[:5]  # the same keys again in one batch: inserted once


async def _stored(db, how) -> tuple[list[int], list[tuple]]:
    async with transaction(db) as conn:
        await conn.execute(outbox.delete())
    repo = OutboxRepo(db)
    counts = []
    for part in (_messages()[:10], _messages()):  # the second batch repeats the first's keys
        async with transaction(db) as conn:
            counts.append(await getattr(repo, how)(conn, part, "2024-01-03T21:00:00+00:00"))
    cols = [c for c in outbox.c if c.name != "id"]
    rows = await db.all(sa.select(*cols).order_by(outbox.c.id))
    return counts, [tuple(r.values()) for r in rows]


async def test_fast_insert_equals_the_plain_path(store):
    db = await store.open()
    plain = await _stored(db, "_insert_plain")
    fast = await _stored(db, "_insert")
    assert fast == plain
    assert plain[0] == [10, 38] and len(plain[1]) == 48  # duplicates were there to be skipped
