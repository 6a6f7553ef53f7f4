"""The whole announcement path on real data: IWM replayed day by day through the scanner,
the outbox and the sender (shared_data fixture; skips without ../shared/data)."""

from datetime import date

from scan_fakes import RecordingPoster, sessions

from bot.analysis.events import EventEngine
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.delivery import Sender
from bot.scan.scanner import Scanner
from bot.store.db import Database
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo
from bot.store.watchlist import WatchlistRepo


class CountingProvider(CsvDirectoryProvider):
    calls = 0

    async def fetch(self, tickers, start=None, end=None):
        self.calls += 1
        return await super().fetch(tickers, start, end)



async def test_iwm_breakout_and_failure_posted_once_to_each_server(shared_data, tmp_path):
    provider = CountingProvider(shared_data)
    poster = RecordingPoster()
    async with Database(tmp_path / "bot.sqlite3") as db:
        guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db)
        for gid, cid in ((1, 100), (2, 200)):
            await guilds.set_channel(gid, cid)
            await watch.remove(gid, ["MDY", "SPY", "QQQ"])
        scanner = Scanner(db, MarketData(provider), EventEngine())
        sender = Sender(db, poster)
        days = list(sessions(date(2023, 11, 1), date(2024, 1, 31)))
        for d in days:
            await scanner.run(as_of=d)
            await sender.flush()
        assert provider.calls == len(days)  # one batched fetch per scan, not one per server
        # a crash-free rerun of the last day changes nothing
        await scanner.run(as_of=days[-1])
        assert (await sender.flush()).sent == 0
        assert await OutboxRepo(db).pending() == []

    for channel in (100, 200):
        posts = poster.posts(channel)
        keys = [p["key"] for p in posts]
        assert len(keys) == len(set(keys))
        breakouts = [p for p in posts if p["event"] == "breakout"]
        failed = [p for p in posts if p["event"] == "failed"]
        assert [p["date"][:7] for p in breakouts] == ["2023-12"], [(p["event"], p["date"]) for p in posts]
        assert [p["date"][:7] for p in failed] == ["2024-01"]
        assert failed[0]["breakout_date"] == breakouts[0]["date"]
        assert failed[0]["base_id"] == breakouts[0]["base_id"]
    assert [p["key"] for p in poster.posts(100)] == [p["key"] for p in poster.posts(200)]
