"""Crash safety and failure isolation of the outbox sender."""

from datetime import date

import pytest
from scan_fakes import CountingMarket, Crash, RecordingPoster, ScriptedEngine, synthetic_daily

from bot.scan.delivery import CHECK_GIVE_UP, Sender
from bot.scan.scanner import Scanner
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo
from bot.store.watchlist import WatchlistRepo

DAYS = [date(2023, 12, 12), date(2023, 12, 13), date(2023, 12, 14)]
SCRIPT = {("IWM", DAYS[0]): "testing", ("IWM", DAYS[1]): "breakout", ("SPY", DAYS[1]): "breakout",
          ("IWM", DAYS[2]): "failed"}


async def queue_events(path) -> int:
    """Two servers (channels 100, 200) track IWM and SPY; three scans queue 8 rows."""
    async with path.database() as db:
        guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db)
        for gid, cid in ((1, 100), (2, 200)):
            await guilds.set_channel(gid, cid)
            await guilds.set_followups(gid, False)  # announcements only (follow-ups: test_followups_live.py)
            await watch.remove(gid, ["MDY", "QQQ"])
        scanner = Scanner(db, CountingMarket({"IWM": synthetic_daily(), "SPY": synthetic_daily()}),
                          ScriptedEngine(SCRIPT))
        await scanner.run(as_of=date(2023, 12, 11))
        queued = 0
        for d in DAYS:
            queued += (await scanner.run(as_of=d)).queued
        return queued


async def test_crash_after_commit_before_send_posts_everything_once(store):
    path = store
    assert await queue_events(path) == 8  # 4 events x 2 servers
    # the process "dies" here: nothing was sent. A new process opens the same file.
    poster = RecordingPoster()
    async with path.database() as db:
        report = await Sender(db, poster).flush()
        assert report.sent == 8
        assert await OutboxRepo(db).pending() == []
        assert await Sender(db, poster).flush() == type(report)()  # nothing left to do
    for channel in (100, 200):
        keys = [p["key"] for p in poster.posts(channel)]
        assert len(keys) == len(set(keys)) == 4
        # oldest first: the order the events were queued
        assert [k.split("|")[2] for k in keys if k.startswith("IWM")] == ["testing", "breakout", "failed"]


async def test_crash_after_post_before_mark_sent_is_not_posted_twice(store):
    path = store
    await queue_events(path)
    discord_side: dict[int, list[dict]] = {}
    async with path.database() as db:
        with pytest.raises(Crash):
            await Sender(db, RecordingPoster(discord_side, crash_after_post=True)).flush()
        (first,) = [r for r in await OutboxRepo(db).rows() if r.attempts]
        assert first.sent_at is None  # posted, but the process died before recording it
    assert len(discord_side[first.channel_id]) == 1
    poster = RecordingPoster(discord_side)  # restart: new process, same channels
    async with path.database() as db:
        report = await Sender(db, poster).flush()
        assert report.recovered == 1 and report.sent == 7
        row = next(r for r in await OutboxRepo(db).rows() if r.id == first.id)
        assert row.sent_at is not None and row.message_id == discord_side[first.channel_id][0]["id"]
    assert poster.find_calls == 1  # only the interrupted row needed the check
    for channel in (100, 200):
        keys = [p["key"] for p in poster.posts(channel)]
        assert len(keys) == len(set(keys)) == 4


async def test_forbidden_channel_disables_that_server_only(store, caplog):
    path = store
    await queue_events(path)
    poster = RecordingPoster(forbidden={100})
    async with path.database() as db:
        with caplog.at_level("WARNING", logger="bot.scan.delivery"):
            report = await Sender(db, poster).flush()
        assert report.disabled_guilds == [1] and report.sent == 4
        assert len(poster.posts(200)) == 4 and poster.posts(100) == []
        assert poster.post_calls == 5  # one failed try for server 1, then its rows are given up
        lines = [r for r in caplog.records if "alerts turned off" in r.getMessage()]
        assert len(lines) == 1 and "server 1" in lines[0].getMessage()
        settings = await GuildSettingsRepo(db).get(1)
        assert not settings.alerts_enabled and "no permission" in settings.disabled_reason
        assert await OutboxRepo(db).pending() == []
        assert 1 not in {s.guild_id for subs in (await WatchlistRepo(db).subscriptions()).values() for s in subs}


async def test_gone_channel_disables_with_reason(store):
    path = store
    await queue_events(path)
    async with path.database() as db:
        report = await Sender(db, RecordingPoster(gone={200})).flush()
        assert report.disabled_guilds == [2] and report.sent == 4
        assert (await GuildSettingsRepo(db).get(2)).disabled_reason.startswith("channel gone")


async def test_transient_error_keeps_row_for_retry_then_gives_up(store):
    path = store
    await queue_events(path)
    async with path.database() as db:
        flaky = RecordingPoster(flaky={100})
        report = await Sender(db, flaky, max_attempts=3).flush()
        assert report.sent == 4 and report.retry_later == 1  # channel 100 blocked after its first failure
        pending = await OutboxRepo(db).pending()
        assert len(pending) == 4 and {r.channel_id for r in pending} == {100}
        assert pending[0].attempts == 1 and "TimeoutError" in pending[0].last_error
        assert (await GuildSettingsRepo(db).get(1)).alerts_enabled  # transient: server stays on
        # posts keep failing but the channel's history answers (the failed posts did not land)
        posts_fail = FailingPosts(flaky.channels)
        for _ in range(2):
            assert (await Sender(db, posts_fail, max_attempts=3).flush()).retry_later == 1
        assert (await OutboxRepo(db).pending())[0].attempts == 3
        report = await Sender(db, posts_fail, max_attempts=3).flush()
        assert report.dropped == 1  # the check shows the third post did not land either: given up
        healthy = RecordingPoster(flaky.channels)
        report = await Sender(db, healthy).flush()
        assert report.sent == 3 and len(healthy.posts(100)) == 3  # the given-up row is not posted


class FailingPosts(RecordingPoster):
    """Every post raises after nothing landed; the history check works."""

    async def post(self, channel_id, delivery):
        self.post_calls += 1
        raise TimeoutError("discord timed out")


class LandsThenFails(RecordingPoster):
    """The post reaches the channel, then the call fails (the reply was lost)."""

    async def post(self, channel_id, delivery):
        await super().post(channel_id, delivery)
        raise TimeoutError("no reply from discord")


class Clock:
    def __init__(self):
        self.now = 1_700_000_000.0

    def __call__(self):
        return self.now


CHECK_FAILURES = {
    "raises": dict(check_error=ConnectionResetError("server disconnected")),
    "times out": dict(check_hangs=True),
    # what discord.py raised on the message object it could not read (see tests/cogs for the real path)
    "malformed message": dict(check_error=TypeError("int() argument must be a string, not 'dict'")),
}


async def _one_uncertain_row(db, discord_side):
    """Server 1 (channel 100) has one row posted but not recorded (a crash after the post)."""
    with pytest.raises(Crash):
        await Sender(db, RecordingPoster(discord_side, crash_after_post=True)).flush()
    (row,) = [r for r in await OutboxRepo(db).rows() if r.attempts]
    return row


@pytest.mark.parametrize("failure", list(CHECK_FAILURES))
async def test_a_failed_history_check_keeps_the_row_uncertain_and_never_posts_a_second_copy(store, failure, caplog):
    await queue_events(store)
    discord_side: dict[int, list[dict]] = {}
    clock = Clock()
    async with store.database() as db:
        row = await _one_uncertain_row(db, discord_side)
        poster = RecordingPoster(discord_side, **CHECK_FAILURES[failure])

        def sender():
            return Sender(db, poster, check_timeout=0.05, clock=clock)

        with caplog.at_level("DEBUG", logger="bot.scan.delivery"):
            report = await sender().flush()
        assert report.unsure == 1 and report.dropped == 0 and report.unconfirmed == 0
        assert report.sent == 7  # the others go out; the uncertain one is not posted again
        kept = next(r for r in await OutboxRepo(db).rows() if r.id == row.id)
        assert kept.sent_at is None and kept.dropped_at is None and kept.attempts == 1
        assert kept.unsure_since == clock.now and kept.check_after == clock.now + 60
        assert kept.last_error.startswith("history check failed")
        # not due yet: the row waits, nothing is checked
        calls = poster.find_calls
        assert (await sender().flush()).unsure == 0 and poster.find_calls == calls
        # the checks back off (the time since the first failure, 1 to 30 minutes)
        waits = []
        while True:
            kept = next(r for r in await OutboxRepo(db).rows() if r.id == row.id)
            if kept.dropped_at is not None:
                break
            waits.append(kept.check_after - clock.now)
            clock.now = kept.check_after
            await sender().flush()
        assert waits[:5] == [60, 60, 120, 240, 480] and max(waits) == 1800
        assert clock.now - kept.unsure_since >= CHECK_GIVE_UP > clock.now - kept.unsure_since - 1800
        assert kept.unconfirmed_at is not None and kept.sent_at is None
        # one copy in the channel, never a second
        assert [m["key"] for m in discord_side[row.channel_id]].count(row.key) == 1
        assert poster.post_calls == 7
        warnings = [r for r in caplog.records if r.levelname == "WARNING" and row.key in r.getMessage()]
        errors = [r for r in caplog.records if r.levelname == "ERROR"]
        assert len(warnings) == 1 and len(errors) == 1  # one line when it starts, one when it gives up
        assert "not confirmed" in errors[0].getMessage() and row.key in errors[0].getMessage()
        # alerts status: what was not confirmed, with its date
        (gone,) = await OutboxRepo(db).unconfirmed(row.guild_id)
        assert gone.id == row.id and gone.bar_date == row.bar_date
        assert await OutboxRepo(db).unconfirmed(3 - row.guild_id) == []
        # later flushes leave it alone
        clock.now += 86_400
        assert (await sender().flush()) == type(report)()


async def test_a_check_that_answers_again_recovers_the_row(store):
    """The history comes back within the bound: the copy found is recorded, nothing reposted."""
    await queue_events(store)
    discord_side: dict[int, list[dict]] = {}
    clock = Clock()
    async with store.database() as db:
        row = await _one_uncertain_row(db, discord_side)
        broken = RecordingPoster(discord_side, check_error=ConnectionResetError("503"))
        await Sender(db, broken, clock=clock).flush()
        clock.now += 3600
        healthy = RecordingPoster(discord_side)
        report = await Sender(db, healthy, clock=clock).flush()
        assert report.recovered == 1 and report.sent == 0
        found = next(r for r in await OutboxRepo(db).rows() if r.id == row.id)
        assert found.message_id == discord_side[row.channel_id][0]["id"] and found.unsure_since is None
    assert [m["key"] for m in discord_side[row.channel_id]].count(row.key) == 1


async def test_a_post_whose_reply_was_lost_is_checked_not_reposted(store):
    """A post that raised may still have landed: the next flush finds it instead of posting again."""
    await queue_events(store)
    discord_side: dict[int, list[dict]] = {}
    async with store.database() as db:
        report = await Sender(db, LandsThenFails(discord_side)).flush()
        assert report.retry_later == 2 and report.sent == 0  # one per channel, then the channel waits
        report = await Sender(db, RecordingPoster(discord_side)).flush()
        assert report.recovered == 2 and report.sent == 6
    for channel in (100, 200):
        keys = [m["key"] for m in discord_side[channel]]
        assert len(keys) == len(set(keys)) == 4


async def test_ping_role_is_read_at_send_time(store):
    path = store
    await queue_events(path)
    async with path.database() as db:
        await GuildSettingsRepo(db).set_ping_role(1, 4242)
        poster = RecordingPoster()
        await Sender(db, poster).flush()
    assert {p["ping_role_id"] for p in poster.posts(100)} == {4242}
    assert {p["ping_role_id"] for p in poster.posts(200)} == {None}


async def test_an_announcement_links_the_sessions_notice_that_crossed_its_way(store):
    """Server 1 was posted "crossing now" notices of IWM on the 13th (up) and the 14th (down):
    the 13th's breakout links the up one, the 14th's failure the down one; server 2, sent none,
    and SPY, never noticed, link nothing."""
    from bot.store.intraday_crossings import NOTICE_KIND, CrossingRecord, CrossingRepo
    from bot.store.outbox import NewMessage

    await queue_events(store)
    async with store.database() as db:
        repo, outbox = CrossingRepo(db), OutboxRepo(db)
        for day, direction, code in ((DAYS[1], "up", 1), (DAYS[1], "down", -1), (DAYS[2], "down", -1),
                                     (DAYS[2], "up", 1)):
            c = CrossingRecord("IWM", f"b{day.day}{direction}", day, code, 100.0, 100.5, f"{day}T15:00:00+00:00", 1.0)
            await repo.record(c, [NewMessage(1, 100, "IWM", c.base_id, NOTICE_KIND, day, {"direction": direction})])
        message_ids = {}
        for n, row in enumerate(r for r in await outbox.rows() if r.kind == NOTICE_KIND):
            if (row.bar_date, row.payload["direction"]) in ((DAYS[1], "up"), (DAYS[2], "down")):
                message_ids[(row.bar_date, row.payload["direction"])] = 9000 + n
                await outbox.mark_sent(row.id, 9000 + n)  # the other two were never posted
        poster = RecordingPoster()
        await Sender(db, poster).flush()
        linked = {(p["event"], p["ticker"], p["date"]): p["linked"] for p in poster.posts(100) if "event" in p}
        assert linked[("breakout", "IWM", DAYS[1].isoformat())] == (100, message_ids[(DAYS[1], "up")])
        assert linked[("failed", "IWM", DAYS[2].isoformat())] == (100, message_ids[(DAYS[2], "down")])
        assert linked[("breakout", "SPY", DAYS[1].isoformat())] is None
        assert all(p["linked"] is None for p in poster.posts(200) if "event" in p)
