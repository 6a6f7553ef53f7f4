"""Crash safety and failure isolation of the outbox sender."""

from datetime import date

import pytest
from scan_fakes import CountingMarket, Crash, RecordingPoster, ScriptedEngine, synthetic_daily

from bot.scan.delivery import Sender
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
        await Sender(db, flaky, max_attempts=3).flush()
        report = await Sender(db, flaky, max_attempts=3).flush()
        assert report.dropped == 1
        healthy = RecordingPoster(flaky.channels)
        report = await Sender(db, healthy).flush()
        assert report.sent == 3 and len(healthy.posts(100)) == 3  # the given-up row is not posted


async def test_ping_role_is_read_at_send_time(store):
    path = store
    await queue_events(path)
    async with path.database() as db:
        await GuildSettingsRepo(db).set_ping_role(1, 4242)
        poster = RecordingPoster()
        await Sender(db, poster).flush()
    assert {p["ping_role_id"] for p in poster.posts(100)} == {4242}
    assert {p["ping_role_id"] for p in poster.posts(200)} == {None}
