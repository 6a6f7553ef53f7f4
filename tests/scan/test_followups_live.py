"""A breakout's follow-ups through the live path (scanner -> outbox -> sender), both store engines:
the seed's IWM thread on real data, exactly once across a crash after a follow-up was posted,
follow-ups off, and an undeliverable follow-up that never holds back the announcements."""

from __future__ import annotations

from datetime import date

import pytest
from scan_fakes import CountingMarket, Crash, RecordingPoster, ScriptedEngine, sessions, synthetic_daily

from bot.analysis.events import EventEngine
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.delivery import Sender
from bot.scan.scanner import Scanner
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo
from bot.store.watchlist import WatchlistRepo


async def _servers(db, followups_off=()):
    guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db)
    for gid, cid in ((1, 100), (2, 200)):
        await guilds.set_channel(gid, cid)
        await watch.remove(gid, ["MDY", "SPY", "QQQ"])
        if gid in followups_off:
            await guilds.set_followups(gid, False)


async def test_the_seed_breakout_thread_through_the_live_scan(shared_data, db):
    """IWM from a cold start on 2023-12-22 to 2024-02-08: server 1's 2023-12-26 breakout opens a
    thread that gets day 1, the throwback, the 2024-01-03 failure and the summary, each once;
    the failure also goes to the channel; server 2 (follow-ups off) gets no thread."""
    await _servers(db, followups_off={2})
    poster = RecordingPoster()
    scanner = Scanner(db, MarketData(CsvDirectoryProvider(shared_data)), EventEngine())
    sender = Sender(db, poster)
    for d in sessions(date(2023, 12, 22), date(2024, 2, 9)):
        await scanner.run(as_of=d)
        await sender.flush()
    await scanner.run(as_of=date(2024, 2, 9))  # a re-run queues nothing new
    assert await sender.flush() == type(await sender.flush())()

    rows = await OutboxRepo(db).rows()
    (breakout,) = [r for r in rows if r.guild_id == 1 and r.kind == "breakout"]
    assert breakout.bar_date == date(2023, 12, 26) and breakout.payload["thread"] is True
    assert breakout.thread_id == breakout.message_id  # the thread opened on the announcement
    thread = poster.posts(breakout.thread_id)
    assert [(p["followup"], p["date"]) for p in thread] == [
        ("day1", "2023-12-27"), ("throwback", "2023-12-29"), ("failed", "2024-01-03"), ("summary", "2024-02-08")]
    assert [(p["event"], p["date"]) for p in poster.posts(100) if p["event"] != "testing"] == [
        ("breakout", "2023-12-26"), ("failed", "2024-01-03")]
    followups = [r for r in rows if r.is_followup]
    assert {r.guild_id for r in followups} == {1} and all(r.sent_at for r in followups)
    throwback = next(r for r in followups if r.kind == "fu:throwback")
    assert throwback.payload["followup"]["data"]["invalidation"] == pytest.approx(197.74)
    (other,) = [r for r in rows if r.guild_id == 2 and r.kind == "breakout"]
    assert "thread" not in other.payload and other.thread_id is None


DAYS = [date(2023, 12, 13), date(2023, 12, 14), date(2023, 12, 15)]


async def _queue(db, days, engine):
    scanner = Scanner(db, CountingMarket({"IWM": synthetic_daily()}), engine)
    for d in days:
        await scanner.run(as_of=d)


async def _announced(db, engine, poster=None) -> RecordingPoster:
    """Two servers; the scripted breakout of DAYS[0] queued and posted, each with its thread."""
    await _servers(db)
    await _queue(db, [date(2023, 12, 12), DAYS[0]], engine)
    poster = poster or RecordingPoster()
    await Sender(db, poster).flush()
    return poster


async def test_a_follow_up_posted_before_a_crash_is_not_posted_again(store):
    """The process dies after the day-1 follow-up reached the thread and before it was marked
    sent; the restarted process finds it in the thread and posts nothing twice."""
    engine = ScriptedEngine({("IWM", DAYS[0]): "breakout"})
    discord_side: dict[int, list[dict]] = {}
    async with store.database() as db:
        await _announced(db, engine, RecordingPoster(discord_side))
        await _queue(db, [DAYS[1]], engine)
        with pytest.raises(Crash):
            await Sender(db, RecordingPoster(discord_side, crash_after_post=True)).flush()
    async with store.database() as db:  # the restart
        poster = RecordingPoster(discord_side)
        report = await Sender(db, poster).flush()
        assert report.recovered == 1
        rows = await OutboxRepo(db).rows()
        assert all(r.sent_at for r in rows)
        for breakout in (r for r in rows if r.kind == "breakout"):
            keys = [p["key"] for p in discord_side[breakout.thread_id]]
            assert len(keys) == len(set(keys)) and keys  # each follow-up once
            assert {k.split("|")[-2] for k in keys} == {"fu:day1", "fu:throwback"}
        # the next session brings nothing new for the scripted breakout (both firsts are past)
        await _queue(db, [DAYS[2]], engine)
        assert await OutboxRepo(db).pending() == []


async def test_a_deleted_thread_falls_back_to_a_reply_and_a_dead_channel_drops_with_one_line(store, caplog):
    engine = ScriptedEngine({("IWM", DAYS[0]): "breakout"})
    async with store.database() as db:
        first = await _announced(db, engine)
        threads = {r.guild_id: r.thread_id for r in await OutboxRepo(db).rows() if r.kind == "breakout"}
        await _queue(db, [DAYS[1]], engine)
        # both threads were deleted; server 1 gets replies, server 2's channel refuses even those
        poster = RecordingPoster(first.channels, gone={threads[1], threads[2]}, forbidden={200})
        with caplog.at_level("INFO"):
            report = await Sender(db, poster).flush()
        replies = [p for p in poster.posts(100) if p.get("followup")]
        assert {p["followup"] for p in replies} == {"day1", "throwback"}
        assert all(p["reply_to"] == p_id for p in replies for p_id in [first.posts(100)[0]["id"]])
        assert report.dropped == 2 and report.disabled_guilds == []  # follow-ups never turn alerts off
        assert (await GuildSettingsRepo(db).get(2)).alerts_enabled
        dropped = [r for r in caplog.records if "dropped" in r.getMessage()]
        assert len(dropped) == 2 and all("fu:" in r.getMessage() for r in dropped)
        assert await OutboxRepo(db).pending() == []


async def test_a_failing_follow_up_holds_back_no_announcement(store):
    """A follow-up that fails for now is retried later; the channel's next announcement still goes."""
    engine = ScriptedEngine({("IWM", DAYS[0]): "breakout", ("IWM", DAYS[1]): "failed"})
    async with store.database() as db:
        first = await _announced(db, engine)
        await _queue(db, [DAYS[1]], engine)

        class ThreadDown(RecordingPoster):
            async def post_followup(self, channel_id, delivery):
                raise TimeoutError("discord timed out")

        report = await Sender(db, ThreadDown(first.channels)).flush()
        assert report.sent == 2 and report.retry_later > 0  # the two servers' failure announcements
        assert [p["event"] for p in first.posts(100)] == ["breakout", "failed"]
        report = await Sender(db, RecordingPoster(first.channels)).flush()
        assert report.sent > 0 and await OutboxRepo(db).pending() == []


async def test_a_follow_up_failing_every_time_is_given_up_after_max_attempts(store, caplog):
    """Transient errors keep the row for the next flush until the sender's ``max_attempts``
    posts failed; then it is dropped with one error line, and never posted."""
    engine = ScriptedEngine({("IWM", DAYS[0]): "breakout"})
    async with store.database() as db:
        first = await _announced(db, engine)
        await _queue(db, [DAYS[1]], engine)
        queued = len([r for r in await OutboxRepo(db).pending() if r.is_followup])

        class ThreadDown(RecordingPoster):
            async def post_followup(self, channel_id, delivery):
                raise TimeoutError("discord timed out")

        down = ThreadDown(first.channels)
        reports = []
        with caplog.at_level("INFO"):
            for _ in range(3):
                reports.append(await Sender(db, down, max_attempts=2).flush())
        assert [(r.retry_later, r.dropped) for r in reports] == [(queued, 0), (0, queued), (0, 0)]
        assert queued > 0 and await OutboxRepo(db).pending() == []
        gave_up = [r for r in caplog.records if r.getMessage().startswith("gave up follow-up")]
        assert len(gave_up) == queued and all(r.levelname == "ERROR" for r in gave_up)
        assert not any(p.get("followup") for c in first.channels.values() for p in c)
