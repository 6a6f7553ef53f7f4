"""The daily digest goes through the outbox: queued once per (server, session) by the scan,
posted after that session's announcements, exactly once across a crash and a restart."""

from __future__ import annotations

from datetime import date

import pytest
from scan_fakes import CountingMarket, Crash, RecordingPoster, ScriptedEngine, synthetic_daily

from bot.scan.delivery import Delivery, Sender
from bot.scan.scanner import DIGEST_KIND, Scanner
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo
from bot.store.watchlist import WatchlistRepo

DAYS = [date(2023, 12, 12), date(2023, 12, 13)]
SCRIPT = {("IWM", DAYS[0]): "testing", ("IWM", DAYS[1]): "breakout"}


def scanner(db) -> Scanner:
    return Scanner(db, CountingMarket({"IWM": synthetic_daily()}), ScriptedEngine(SCRIPT))


async def setup_servers(db) -> None:
    """Server 1 (channel 100) wants the digest, server 2 (channel 200) does not."""
    guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db)
    for gid, cid in ((1, 100), (2, 200)):
        await guilds.set_channel(gid, cid)
        await watch.remove(gid, ["MDY", "QQQ", "SPY"])
    settings = await guilds.set_digest(1, True)
    assert settings.digest_enabled and not (await guilds.get(2)).digest_enabled
    assert await guilds.digest_targets() == [(1, 100)]


def digests(rows):
    return [r for r in rows if r.kind == DIGEST_KIND]


async def test_one_digest_per_server_and_session_even_when_the_scan_reruns(store):
    path = store
    async with path.database() as db:
        await setup_servers(db)
        s = scanner(db)
        await s.run(as_of=date(2023, 12, 11))
        reports = [await s.run(as_of=d) for d in DAYS]
        assert [r.digests for r in reports] == [1, 1]
        assert (await s.run(as_of=DAYS[1])).digests == 0  # same session again
    async with path.database() as db:  # a restart re-runs the last scan
        assert (await scanner(db).run(as_of=DAYS[1])).digests == 0
        rows = await OutboxRepo(db).rows()
    queued = digests(rows)
    assert [(r.guild_id, r.channel_id, r.bar_date) for r in queued] == [(1, 100, date(2023, 12, 11)),
                                                                        (1, 100, DAYS[0]), (1, 100, DAYS[1])]
    # each session's digest is queued after that session's announcements
    for d in DAYS:
        day_rows = [r for r in rows if r.guild_id == 1 and r.bar_date == d]
        assert day_rows[-1].kind == DIGEST_KIND and len(day_rows) == 2


async def test_digest_is_delivered_once_across_a_crash_mid_post(store):
    class CrashOnDigest(RecordingPoster):
        async def post(self, channel_id, delivery):
            self.crash_after_post = delivery.event is None
            return await super().post(channel_id, delivery)

    path = store
    discord_side: dict[int, list[dict]] = {}
    async with path.database() as db:
        await setup_servers(db)
        await scanner(db).run(as_of=DAYS[0])
        with pytest.raises(Crash):
            await Sender(db, CrashOnDigest(discord_side)).flush()
        (row,) = digests(await OutboxRepo(db).rows())
        assert row.attempts == 1 and row.sent_at is None  # posted, not recorded
    poster = RecordingPoster(discord_side)
    async with path.database() as db:  # restart: the same file, the same channels
        await scanner(db).run(as_of=DAYS[0])  # the catch-up scan queues nothing new
        report = await Sender(db, poster).flush()
        assert report.recovered == 1
        (row,) = digests(await OutboxRepo(db).rows())
        assert row.sent_at is not None
    posted = [m for m in discord_side[100] if m.get("kind") == "digest"]
    assert len(posted) == 1 and posted[0]["date"] == DAYS[0].isoformat() and posted[0]["guild_id"] == 1
    assert not [m for m in discord_side.get(200, []) if m.get("kind") == "digest"]


async def test_digest_row_becomes_a_delivery_without_event(store):
    async with store.database() as db:
        await setup_servers(db)
        await scanner(db).run(as_of=DAYS[0])
        (row,) = digests(await OutboxRepo(db).pending())
    d = Delivery.of(row)
    assert d.event is None and d.digest == DAYS[0] and d.guild_id == 1 and d.key == f"*|digest|digest|{DAYS[0]}"


async def test_turning_alerts_off_drops_the_unsent_digest(store):
    async with store.database() as db:
        await setup_servers(db)
        await scanner(db).run(as_of=DAYS[0])
        await GuildSettingsRepo(db).disable(1)
        assert not digests(await OutboxRepo(db).pending())
        assert await GuildSettingsRepo(db).digest_targets() == []
