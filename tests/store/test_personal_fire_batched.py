"""The scan marks fired level alerts with one UPDATE per day and chunk of ids
(personal_alerts.fire): the stored alerts end exactly as the plain path (one UPDATE per alert,
fire_one_by_one) leaves them, on both engines."""

from __future__ import annotations

import random

import sqlalchemy as sa

from bot.store import personal_alerts as pa
from bot.store.personal_alerts import PersonalAlertRepo
from bot.store.schema import personal_alerts
from bot.store.transaction import transaction

_a = personal_alerts.c
DAYS = ("2024-01-02", "2024-01-03", "2024-01-04")


async def _fired_with(db, how, picks: list[tuple[int, str]]) -> list[tuple]:
    """Fresh alerts, some with a delivery problem, fired by ``how`` (``picks``: (position, day))."""
    async with transaction(db) as conn:
        await conn.execute(personal_alerts.delete())
    repo = PersonalAlertRepo(db, per_member=10_000, per_server=10_000)
    ids = []
    for j in range(60):
        alert, _ = await repo.add(1, 100 + j % 5, f"T{j % 9}", ("above", "below")[j % 2], 10.0 + j)
        ids.append(alert.id)
    for j in (3, 50):  # a problem the firing clears (3 fires), one it leaves (50 does not)
        await repo.kept(ids[j], "the member's DMs are closed")
    async with transaction(db) as conn:
        await how(conn, [(ids[j], day) for j, day in picks])
    rows = await db.all(sa.select(_a.guild_id, _a.user_id, _a.ticker, _a.kind, _a.level, _a.fired_on, _a.problem)
                        .order_by(_a.id))
    return [tuple(r.values()) for r in rows]


async def test_batched_fire_equals_one_by_one(store, monkeypatch):
    monkeypatch.setattr(pa, "FIRE_CHUNK", 7)  # several chunks a day
    rng = random.Random(3)
    picks = [(j, DAYS[k % 3]) for k, j in enumerate(rng.sample([j for j in range(60) if j != 50], 40))]
    picks += [(3, DAYS[1]), (3, DAYS[0])]  # named twice: the last day stands
    db = await store.open()
    plain = await _fired_with(db, pa.fire_one_by_one, picks)
    batched = await _fired_with(db, pa.fire, picks)
    assert batched == plain
    assert sum(1 for r in plain if r[5] is not None) == len({j for j, _ in picks})  # the firings are covered
    assert {r[5] for r in plain} == set(DAYS) | {None} and plain[50][6] is not None and plain[3][6] is None
