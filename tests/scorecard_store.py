"""A store holding a known set of delivered breakout alerts, made the way the bot makes them: the
real scan (real engine, real IWM and QQQ bars) queues them, the real sender delivers them through a
recording poster (which keeps them as Discord would), and each scan's follow-ups go into the threads.

The server given gets every alert; server ``MUTED`` has the same tickers but its channel times out
on every post, so its rows are queued and never delivered (its scorecard is empty)."""

from __future__ import annotations

from datetime import date

from scan_fakes import RecordingPoster, sessions

from bot.analysis.events import EventEngine
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.delivery import Sender
from bot.scan.scanner import Scanner
from bot.store.guilds import GuildSettingsRepo
from bot.store.watchlist import WatchlistRepo

TICKERS = ("IWM", "QQQ")
FIRST, LAST = date(2023, 12, 1), date(2024, 4, 30)
MUTED, MUTED_CHANNEL = 2, 200


async def deliver_alerts(db, data_dir, guild: int, channel: int, *, last: date = LAST, step: int = 3) -> RecordingPoster:
    """Scan ``TICKERS`` for ``guild`` (and for ``MUTED``) from :data:`FIRST` to ``last``, a few
    sessions at a time (an announcement is news for 7 days, so none is missed), delivering after
    each scan. Returns the poster: Discord's side of what was posted."""
    guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db)
    for gid, cid in ((guild, channel), (MUTED, MUTED_CHANNEL)):
        await guilds.set_channel(gid, cid)
        have = set(await watch.list(gid))
        await watch.remove(gid, sorted(have - set(TICKERS)))
        await watch.add(gid, sorted(set(TICKERS) - have))
    market = MarketData(CsvDirectoryProvider(data_dir))
    scanner = Scanner(db, market, EventEngine())
    poster = RecordingPoster(flaky={MUTED_CHANNEL})
    sender = Sender(db, poster)
    days = list(sessions(FIRST, last))
    for d in days[::step] + ([days[-1]] if (len(days) - 1) % step else []):
        await scanner.run(as_of=d)
        await sender.flush()
    return poster
