"""Pre-rendering after the scan: the tracked tickers' charts land in the cache in the background,
after the announcements, without holding any announcement back."""

from __future__ import annotations

import threading
from datetime import date, datetime, timezone

import pytest
from scan_fakes import RecordingPoster, ScriptedEngine, write_csv_dir

import bot.services.base as base_service
from bot.analysis.models import Marker
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.base import BaseService
from bot.services.scan import ScanService
from bot.store.db import Database
from bot.store.watchlist import DEFAULT_WATCHLIST

GUILD, CHANNEL = 1, 100


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def prices(tmp_path_factory):
    return write_csv_dir(tmp_path_factory.mktemp("prices"), list(DEFAULT_WATCHLIST))


class Timeline:
    """Records posts and renders in order; plain charts (the pre-render's) wait for ``release``."""

    def __init__(self, monkeypatch):
        self.events: list[tuple] = []
        self.release = threading.Event()

        def render(bars, result, *, ticker, timeframe, markers=()):
            self.events.append(("render", ticker, timeframe, bool(markers)))
            if not markers:
                assert self.release.wait(30), "the test never released the pre-render"
            return f"png-{ticker}-{timeframe}-{len(markers)}".encode()

        monkeypatch.setattr(base_service, "render_base_chart", render)

    def renders(self, *, marked: bool | None = None) -> list[tuple]:
        return [e for e in self.events if e[0] == "render" and (marked is None or e[3] == marked)]


class TimelinePoster(RecordingPoster):
    def __init__(self, timeline: Timeline):
        super().__init__()
        self.timeline = timeline

    async def post(self, channel_id, delivery):
        self.timeline.events.append(("post", delivery.event.ticker, delivery.event.kind))
        return await super().post(channel_id, delivery)


@pytest.fixture
async def wired(prices, tmp_path, monkeypatch):
    timeline = Timeline(monkeypatch)
    market = MarketData(CsvDirectoryProvider(prices))
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    engine = ScriptedEngine({("IWM", date(2026, 11, 18)): "breakout", ("SPY", date(2026, 11, 18)): "failed"})
    base = BaseService(market)
    scan = ScanService(db, market, engine, base=base)
    from bot.services.alerts import AlertsService

    await AlertsService(db).set_channel(GUILD, CHANNEL)  # tracks the default watchlist
    yield scan, base, timeline
    timeline.release.set()
    await scan.close()
    await db.close()


async def test_prerender_starts_after_the_announcements_and_does_not_hold_them(wired):
    scan, base, timeline = wired
    poster = TimelinePoster(timeline)
    sender = scan.sender(poster)
    await scan.cycle(sender, now=utc(2026, 11, 17, 22))  # cold start: nothing to announce
    timeline.release.set()
    await scan.prerender.wait()
    timeline.events.clear()
    timeline.release.clear()
    base.cache.clear()  # the folder's newest bar is the same for both sessions: draw them again

    report = await scan.cycle(sender, now=utc(2026, 11, 18, 22))
    # the cycle came back with both announcements posted while the pre-render is still blocked
    assert report.flush.sent == 2 and scan.prerender.running
    posts = [i for i, e in enumerate(timeline.events) if e[0] == "post"]
    renders = [i for i, e in enumerate(timeline.events) if e[0] == "render"]
    assert len(posts) == 2 and (not renders or max(posts) < min(renders))

    # an announcement's chart drawn while a pre-render holds a render is not kept waiting
    marker = [Marker(date(2026, 11, 18), 100.0, "Breakout", "breakout")]
    png = await base.event_chart("k-qqq", "QQQ", date(2026, 11, 18), markers=marker)
    assert png == b"png-QQQ-weekly-1" and scan.prerender.running

    timeline.release.set()
    done = await scan.prerender.wait()
    assert done.session == date(2026, 11, 18) and done.failed == []
    assert done.charts == 2 * len(DEFAULT_WATCHLIST)
    assert sorted((t, tf) for _, t, tf, _ in timeline.renders(marked=False)) == sorted(
        (t, tf) for t in DEFAULT_WATCHLIST for tf in ("weekly", "daily"))


async def test_after_the_prerender_a_tracked_ticker_is_a_cache_hit(wired):
    scan, base, timeline = wired
    timeline.release.set()
    sender = scan.sender(RecordingPoster())
    await scan.cycle(sender, now=utc(2026, 11, 18, 22))
    await scan.prerender.wait()
    rendered = len(timeline.renders())
    hits = base.cache.stats.hits
    for ticker in DEFAULT_WATCHLIST:
        for timeframe in ("weekly", "daily"):
            report = await base.report(ticker, timeframe=timeframe)
            assert report.png == f"png-{ticker}-{timeframe}-0".encode()
    assert len(timeline.renders()) == rendered  # nothing drawn again
    assert base.cache.stats.hits - hits == 2 * 2 * len(DEFAULT_WATCHLIST)  # analysis + chart per request


async def test_one_prerender_per_session(wired):
    scan, base, timeline = wired
    timeline.release.set()
    sender = scan.sender(RecordingPoster())
    await scan.cycle(sender, now=utc(2026, 11, 18, 22))
    await scan.prerender.wait()
    assert scan.prerender.start(scan.prerender.done_session) is None  # same session: nothing to do
    await scan.cycle(sender, now=utc(2026, 11, 18, 23))  # a later wake-up of the same session
    assert not scan.prerender.running and scan.prerender.done_session == date(2026, 11, 18)


async def test_a_failing_ticker_does_not_stop_the_prerender(wired, monkeypatch):
    scan, base, timeline = wired
    timeline.release.set()
    real = base.report

    async def report(ticker, **kwargs):
        if ticker == "MDY":
            raise RuntimeError("no chart today")
        return await real(ticker, **kwargs)

    monkeypatch.setattr(base, "report", report)
    await scan.cycle(scan.sender(RecordingPoster()), now=utc(2026, 11, 18, 22))
    done = await scan.prerender.wait()
    assert done.failed == ["MDY"] and done.charts == 2 * (len(DEFAULT_WATCHLIST) - 1)
