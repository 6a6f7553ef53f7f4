"""The intraday watch's store, both engines: a crossing is recorded once with its notices (a second
record of the same ticker, base and session queues nothing), settled once with its replies; the
members' level alerts the watch reads are those within 3 % of the last close and not yet past it."""

from __future__ import annotations

import json
from datetime import date

from bot.store.engine_states import StateRecord, upsert_states
from bot.store.intraday_crossings import NOTICE_KIND, SETTLE_KIND, CrossingRecord, CrossingRepo
from bot.store.outbox import NewMessage, OutboxRepo
from bot.store.personal_alerts import PersonalAlertRepo

DAY = date(2023, 12, 26)


def notice(gid, kind=NOTICE_KIND):
    return NewMessage(gid, gid + 1, "IWM", "b1", kind, DAY, {"kind": kind})


async def test_a_crossing_is_recorded_once_and_settled_once(db):
    repo = CrossingRepo(db)
    c = CrossingRecord("IWM", "b1", DAY, 1, 203.0, 203.12, "2023-12-26T12:50:00-05:00", 0.6)
    assert await repo.record(c, [notice(1), notice(2)])
    assert not await repo.record(c, [notice(3)])  # a second watcher: nothing queued
    assert [r.guild_id for r in await OutboxRepo(db).rows()] == [1, 2]
    (stored,) = await repo.of_session(DAY)
    (todo,) = await repo.unsettled(DAY)
    assert [n.guild_id for n in await repo.notices(todo)] == [1, 2]
    assert await repo.settle(todo, "confirmed", "past", 204.10, [notice(1, SETTLE_KIND), notice(2, SETTLE_KIND)])
    assert not await repo.settle(todo, "confirmed", "past", 204.10, [notice(3, SETTLE_KIND)])
    assert await repo.unsettled(DAY) == []
    assert [(r.guild_id, r.kind) for r in await OutboxRepo(db).rows()] == [
        (1, NOTICE_KIND), (2, NOTICE_KIND), (1, SETTLE_KIND), (2, SETTLE_KIND)]
    (done,) = await repo.of_session(DAY)
    assert (done.outcome, done.close, stored.price) == ("confirmed", 204.10, 203.12)


async def test_the_level_alerts_near_their_level(db):
    async with db.transaction() as conn:
        await upsert_states(db, conn, [StateRecord("IWM", json.dumps({}), date(2023, 12, 22), "armed", None, 200.0)],
                            "2023-12-22T21:00:00+00:00")
    repo = PersonalAlertRepo(db)
    for kind, level in (("above", 206.0), ("above", 206.3), ("above", 199.0), ("below", 194.5), ("below", 193.9),
                        ("below", 201.0), ("move", 2.0)):
        await repo.add(5, 6, "IWM", kind, level)
    near = await repo.levels_near(3.0)
    # above: the close at most 3 % of the level below it (200 >= 0.97 x 206); below: at most 3 % above
    assert sorted((a.kind, a.level) for a, _ in near["IWM"]) == [("above", 206.0), ("below", 194.5)]


async def test_a_sessions_posted_notices_by_server_ticker_and_direction(db):
    """What the day's announcements link back to: the session's notices once posted, by server,
    ticker and direction (an unposted one, or another day's, is not there)."""
    repo, outbox = CrossingRepo(db), OutboxRepo(db)
    up = CrossingRecord("IWM", "b1", DAY, 1, 203.0, 203.12, "2023-12-26T12:50:00-05:00", 0.6)
    assert await repo.record(up, [NewMessage(g, g + 1, "IWM", "b1", NOTICE_KIND, DAY, {"direction": "up"})
                                  for g in (1, 2)])
    first, second = await outbox.rows()
    assert await repo.posted_notices(DAY) == {}  # queued, not posted yet
    await outbox.mark_sent(first.id, 777)
    assert await repo.posted_notices(DAY) == {(1, "IWM", "up"): (2, 777)}  # server 2's is still unposted
    await outbox.mark_sent(second.id, 778)
    assert await repo.posted_notices(DAY) == {(1, "IWM", "up"): (2, 777), (2, "IWM", "up"): (3, 778)}
    assert await repo.posted_notices(date(2023, 12, 27)) == {}
