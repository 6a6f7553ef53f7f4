"""The seed, replayed through the live path: IWM scanned day by day from a cold start on
2023-12-13, its 2023-12-26 breakout announced with its levels, evidence and odds line, then the
2024-01-03 failure. Real data (skips without ../shared/data), both store engines."""

from __future__ import annotations

from datetime import date

from scan_fakes import RecordingPoster, sessions

from bot.analysis.events import EventEngine
from bot.app.announce_embeds import announcement_message
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.delivery import Sender
from bot.scan.scanner import Scanner
from bot.store.guilds import GuildSettingsRepo
from bot.store.watchlist import WatchlistRepo


class AnnouncingPoster(RecordingPoster):
    """Keeps the message the real poster would send beside the flat record."""

    def __init__(self):
        super().__init__()
        self.messages = {}

    async def post(self, channel_id, delivery):
        self.messages[(channel_id, delivery.key)] = announcement_message(delivery)
        return await super().post(channel_id, delivery)



async def test_the_seed_breakout_carries_levels_and_evidence_then_fails(shared_data, db):
    poster = AnnouncingPoster()
    guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db)
    for gid, cid in ((1, 100), (2, 200)):
        await guilds.set_channel(gid, cid)
        await watch.remove(gid, ["MDY", "SPY", "QQQ"])
    await guilds.set_market_index(2, "QQQ")  # server 2 reads the market off QQQ
    scanner = Scanner(db, MarketData(CsvDirectoryProvider(shared_data)), EventEngine())
    sender = Sender(db, poster)
    for d in sessions(date(2023, 12, 13), date(2024, 1, 5)):
        await scanner.run(as_of=d)
        await sender.flush()

    for channel, index in ((100, "SPY"), (200, "QQQ")):
        posts = poster.posts(channel)
        assert [(p["event"], p["date"]) for p in posts if p["event"] != "testing"] == [
            ("breakout", "2023-12-26"), ("failed", "2024-01-03")]
        breakout = next(p for p in posts if p["event"] == "breakout")
        embed = poster.messages[(channel, breakout["key"])].embed
        fields = {f.name: f.value for f in embed.fields}
        assert fields["Breakout line"].startswith("203.00")
        assert fields["Buy range"].startswith("203.00–213.15")  # IBD's 5 % above the line
        assert "197.74" in fields["Invalidation"]  # just under the zone's 198.75 bottom
        assert fields["Volume"].startswith("0.63×")
        evidence = fields["Evidence"].splitlines()
        assert any(line.startswith("RS line (vs SPY)") for line in evidence), evidence
        assert any(line.startswith(f"Market ({index}): ") for line in evidence), evidence
        if index == "SPY":  # SPY on 2023-12-26: an uptrend (docs/algorithm.md, "Evidence")
            assert any(line.startswith("Market (SPY): uptrend") for line in evidence), evidence
        # the odds line: its group in the committed table (ETFs: IWM is one)
        assert fields["Odds"].startswith("Past breakouts like this (") and "ETFs 2016" in fields["Odds"]
        assert len(embed) <= 6000 and all(len(f.value) <= 1024 for f in embed.fields)
        failed = next(p for p in posts if p["event"] == "failed")
        assert "Odds" not in {f.name for f in poster.messages[(channel, failed["key"])].embed.fields}
