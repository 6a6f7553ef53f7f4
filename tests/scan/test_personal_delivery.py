"""Delivering members' personal alerts through the outbox, on both store engines: exactly once
(a crash between the DM and its record, a restart), the DM 403 fallback to the alerts channel
(once, a mention of that member), kept with its reason when there is no channel, two shard
processes, and the limits under concurrent writers."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from scan_fakes import CountingMarket, Crash, RecordingPoster, ScriptedEngine, synthetic_daily

from bot.scan.delivery import Sender
from bot.scan.scanner import Scanner
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo
from bot.store.personal_alerts import AlertRefused, PersonalAlertRepo
from bot.store.shards import ShardSet, shard_of
from bot.store.watchlist import WatchlistRepo

GUILD, CHANNEL, MEMBER, OTHER = 5 << 22, 500, 1001, 1002  # GUILD sits on shard 1 of 2
DAY1, DAY2 = date(2024, 1, 2), date(2024, 1, 3)


def market():
    daily = synthetic_daily("2023-01-02", "2024-01-03")
    return CountingMarket({"IWM": daily, "SPY": daily}), daily


async def fire_once(db, kind="above", *, channel=True, via="dm"):
    """The scan sees IWM through DAY1, a member sets an alert DAY2's close crosses, DAY2 is scanned."""
    m, daily = market()
    repo = PersonalAlertRepo(db)
    if channel:
        await GuildSettingsRepo(db).set_channel(GUILD, CHANNEL)
        await WatchlistRepo(db).remove(GUILD, ["IWM", "MDY", "SPY", "QQQ"])
    close1, close2 = float(daily["Close"].iloc[-2]), float(daily["Close"].iloc[-1])
    scanner = Scanner(db, m, ScriptedEngine({("IWM", DAY2): "breakout"}))
    await repo.add(GUILD, OTHER, "IWM", "test")  # keeps IWM in the scan
    await scanner.run(as_of=DAY1)
    level = (close1 + close2) / 2
    if kind == "breakout":
        await repo.add(GUILD, MEMBER, "IWM", "breakout")
    else:
        await repo.add(GUILD, MEMBER, "IWM", "above" if close2 > close1 else "below", round(level, 4))
    if via != "dm":
        await repo.set_via(GUILD, MEMBER, via)
    report = await scanner.run(as_of=DAY2)
    assert report.personal == 1 and report.personal_tickers == 1
    return repo


async def test_a_level_alert_is_dmed_once_and_removed(db):
    repo = await fire_once(db)
    (fired,) = await repo.list(GUILD, MEMBER)
    assert fired.fired_on == DAY2.isoformat()  # waiting for its delivery: it fires no more
    poster = RecordingPoster()
    report = await Sender(db, poster).flush()
    assert report.sent == 1 and len(poster.dms[MEMBER]) == 1 and poster.posts() == []
    assert await repo.list(GUILD, MEMBER) == []
    assert (await Sender(db, poster).flush()).sent == 0 and len(poster.dms[MEMBER]) == 1


async def test_kill_between_the_dm_and_its_record_neither_loses_nor_repeats(store):
    db = await store.open()
    await fire_once(db)
    dms: dict = {}
    with pytest.raises(Crash):
        await Sender(db, RecordingPoster(dms=dms, crash_after_post=True)).flush()
    await db.close()
    db = await store.open()  # the restart
    (row,) = await OutboxRepo(db).rows()
    assert row.attempts == 1 and row.sent_at is None and row.user_id == MEMBER
    poster = RecordingPoster(dms=dms)
    report = await Sender(db, poster, claim_seconds=0.0).flush()
    assert report.recovered == 1 and report.sent == 0 and poster.post_calls == 0
    assert len(dms[MEMBER]) == 1
    assert await PersonalAlertRepo(db).list(GUILD, MEMBER) == []


async def test_dm_closed_falls_back_to_one_mention_in_the_alerts_channel(db):
    await fire_once(db, "breakout")
    poster = RecordingPoster(closed_dms={MEMBER})
    report = await Sender(db, poster).flush()
    assert report.sent == 1 and report.fallbacks == 1
    (post,) = poster.posts(CHANNEL)
    assert post["mention"] == MEMBER and post["fallback"] and post["event"] == "breakout"
    assert (await Sender(db, poster).flush()).sent == 0 and len(poster.posts(CHANNEL)) == 1
    # an event alert stays
    assert [a.kind for a in await PersonalAlertRepo(db).list(GUILD, MEMBER)] == ["breakout"]


async def test_dm_closed_and_no_alerts_channel_keeps_the_alert_with_its_reason(db):
    repo = await fire_once(db, channel=False)
    poster = RecordingPoster(closed_dms={MEMBER})
    report = await Sender(db, poster).flush()
    assert report.kept == 1 and report.sent == 0 and poster.posts() == []
    (kept,) = await repo.list(GUILD, MEMBER)
    assert kept.fired_on is None and "DMs are closed" in kept.problem and "no alerts channel" in kept.problem
    assert not (await GuildSettingsRepo(db).get(GUILD)).disabled_reason  # the server's alerts are untouched


async def test_via_channel_mentions_the_member_in_the_channel(db):
    await fire_once(db, via="channel")
    poster = RecordingPoster()
    assert (await Sender(db, poster).flush()).sent == 1
    (post,) = poster.posts(CHANNEL)
    assert post["mention"] == MEMBER and not post["fallback"] and MEMBER not in poster.dms


async def test_two_shard_processes_deliver_each_dm_once(store):
    assert shard_of(GUILD, 2) == 1
    db = await store.open()
    await fire_once(db)
    other = await store.open()
    dms: dict = {}
    # the process of shard 0 (not this server's) may take the member's row: a DM is on no shard
    zero = Sender(db, RecordingPoster(dms=dms), shards=ShardSet(2, frozenset({0})), holder="p0")
    one = Sender(other, RecordingPoster(dms=dms), shards=ShardSet(2, frozenset({1})), holder="p1")
    reports = await asyncio.gather(zero.flush(), one.flush())
    assert sum(r.sent for r in reports) == 1 and len(dms[MEMBER]) == 1
    assert reports[0].sent == 1 or reports[1].sent == 1


async def test_the_member_limit_holds_under_concurrent_writers(store):
    dbs = [await store.open() for _ in range(3)]
    repos = [PersonalAlertRepo(d) for d in dbs]

    async def add(i):
        try:
            await repos[i % 3].add(GUILD, MEMBER, "IWM", "move", float(i + 1))
            return True
        except AlertRefused:
            return False

    results = await asyncio.gather(*(add(i) for i in range(40)))
    assert sum(results) == 25
    assert len(await repos[0].list(GUILD, MEMBER)) == 25


async def test_the_server_limit_holds_under_concurrent_writers(store):
    dbs = [await store.open() for _ in range(3)]
    repos = [PersonalAlertRepo(d, per_server=30) for d in dbs]

    async def add(i):
        try:
            await repos[i % 3].add(GUILD, 2000 + i, "IWM", "breakout")
            return True
        except AlertRefused:
            return False

    results = await asyncio.gather(*(add(i) for i in range(45)))
    assert sum(results) == 30
    assert (await repos[0].counts(GUILD))[0] == 30


async def test_without_taking_turns_postgresql_passes_the_limit(store):
    """The race the lock prevents is real (PostgreSQL: concurrent READ COMMITTED counts)."""
    if not store.is_postgres:
        pytest.skip("SQLite's BEGIN IMMEDIATE serialises writers whatever the repo does")
    dbs = [await store.open() for _ in range(3)]
    repos = [PersonalAlertRepo(d, per_server=10, take_turns=False) for d in dbs]

    async def add(i):
        try:
            await repos[i % 3].add(GUILD, 3000 + i, "IWM", "breakout")
            return True
        except AlertRefused:
            return False

    for _ in range(5):  # a race: give it a few chances
        await asyncio.gather(*(add(i) for i in range(60)))
        if (await repos[0].counts(GUILD))[0] > 10:
            break
        await repos[0].remove_guild(GUILD)
    assert (await repos[0].counts(GUILD))[0] > 10
