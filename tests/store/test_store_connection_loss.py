"""PostgreSQL drops the bot's connections mid-run (a restart, a failover): the next call
reconnects, the scan completes or is retried, and nothing is lost or queued twice."""

from datetime import date

import pytest
import sqlalchemy as sa
from scan_fakes import CountingMarket, ScriptedEngine, synthetic_daily

from bot.scan.delivery import Sender
from bot.scan.scanner import Scanner
from bot.services.scan import scan_cycle
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo
from bot.store.presence import alive
from bot.store.scan_runs import ScanRunRepo
from bot.store.watchlist import WatchlistRepo


async def drop_connections(store, db) -> int:
    """What a server restart does to one process: every connection of ``db`` is cut."""
    admin = await store.open()
    killed = await admin.scalar(sa.text(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :name"
    ).bindparams(name=f"breakout-bot {db.holder}"[:63]))
    await admin.close()
    return killed


@pytest.fixture
def pg(store):
    if not store.is_postgres:
        pytest.skip("connections are PostgreSQL's")
    return store


async def test_the_next_call_after_a_lost_connection_reconnects(pg):
    db = pg.database()
    db.holder = "elsewhere:1:0a1b2c3d"  # as if on another machine: others judge it by its presence lock
    await db.open()
    other = await pg.open()
    await WatchlistRepo(db).add(1, ["IWM"])
    assert await alive(other, db.holder)
    assert await drop_connections(pg, db) >= 2  # a pooled connection and the presence one
    assert not await alive(other, db.holder)  # to the others it looks gone (they may take its claims)
    assert await WatchlistRepo(db).list(1) == ["IWM"]  # reconnected
    await WatchlistRepo(db).add(1, ["SPY"])
    await db.refresh_presence()  # as each flush does: present again
    assert await alive(other, db.holder)
    assert sorted(await WatchlistRepo(other).list(1)) == ["IWM", "SPY"]


class DropsTheStoreWhileFetching(CountingMarket):
    def __init__(self, frames, cut):
        super().__init__(frames)
        self.cut = cut

    async def histories(self, tickers, **kw):
        await self.cut()
        return await super().histories(tickers, **kw)


class Poster:
    def __init__(self):
        self.posts = []

    async def post(self, channel_id, delivery):
        self.posts.append((channel_id, delivery.key))
        return len(self.posts)

    async def find_posted(self, channel_id, key):
        return None


async def test_a_scan_that_loses_the_store_mid_run_completes_or_is_retried_with_nothing_lost(pg):
    from datetime import datetime, timezone

    db = await pg.open()
    for gid in (1, 2):
        await GuildSettingsRepo(db).set_channel(gid, gid * 100)
    day = date(2023, 12, 14)
    frames = {t: synthetic_daily() for t in ("IWM", "SPY", "QQQ", "MDY")}
    engine = ScriptedEngine({(t, day): "breakout" for t in frames})
    await Scanner(db, CountingMarket(frames), engine).run(as_of=date(2023, 12, 13))
    cuts = []

    async def cut():
        if not cuts:
            cuts.append(await drop_connections(pg, db))

    scanner = Scanner(db, DropsTheStoreWhileFetching(frames, cut), engine)
    poster = Poster()
    now = datetime(2023, 12, 15, 3, 0, tzinfo=timezone.utc)  # after the 14th's close
    for _ in range(3):  # wake-ups: a failed one is retried by the next
        try:
            report = await scan_cycle(scanner, Sender(db, poster), now=now)
        except sa.exc.DBAPIError:
            continue
        if report.scan is not None or await ScanRunRepo(db).last_session() == day:
            break
    assert cuts and cuts[0] >= 1
    assert await ScanRunRepo(db).last_session() == day
    rows = await OutboxRepo(db).rows()
    assert len(rows) == 8 and all(r.sent_at for r in rows)  # 4 breakouts x 2 servers, each posted
    assert sorted(poster.posts) == sorted({(r.channel_id, r.key) for r in rows})  # once each
