from datetime import date, datetime, timezone

import pytest
from scan_fakes import CountingMarket, RecordingPoster, ScriptedEngine, synthetic_daily

from bot.errors import DataSourceError
from bot.scan.delivery import Sender
from bot.scan.scanner import Scanner
from bot.services.scan import scan_cycle
from bot.store.guilds import GuildSettingsRepo
from bot.store.scan_runs import ScanRunRepo


@pytest.fixture
async def db(store):  # both engines (tests/store_engines.py)
    d = await store.open()
    await GuildSettingsRepo(d).set_channel(1, 100)
    yield d


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


async def test_catch_up_scans_the_last_session_once_then_only_flushes(db):
    frames = {t: synthetic_daily() for t in ("IWM", "MDY", "SPY", "QQQ")}
    market = CountingMarket(frames)
    engine = ScriptedEngine({("IWM", date(2023, 12, 15)): "breakout"})
    scanner, poster = Scanner(db, market, engine), RecordingPoster()
    sender = Sender(db, poster)
    await scanner.run(as_of=date(2023, 12, 13))
    # Bot comes back Saturday morning after missing Thursday's and Friday's scans
    saturday = utc(2023, 12, 16, 14)
    first = await scan_cycle(scanner, sender, now=saturday)
    assert first.scan is not None and first.scan.session == date(2023, 12, 15)
    assert market.calls[-1][2] == date(2023, 12, 15)  # no bar after the completed session
    assert first.flush.sent == 1 and poster.posts(100)[0]["event"] == "breakout"
    again = await scan_cycle(scanner, sender, now=utc(2023, 12, 16, 15))
    assert again.scan is None and again.flush.sent == 0 and len(market.calls) == 2


async def test_source_failure_still_flushes_and_retries_later(db):
    class DownMarket:
        calls = 0

        async def histories(self, *a, **k):
            DownMarket.calls += 1
            raise DataSourceError("Yahoo is down")

    scanner = Scanner(db, DownMarket(), ScriptedEngine())
    result = await scan_cycle(scanner, Sender(db, RecordingPoster()), now=utc(2023, 12, 15, 21, 30))
    assert result.scan is None and "down" in result.scan_error
    assert await ScanRunRepo(db).last_session() is None  # so the next wake-up tries again
    await scan_cycle(scanner, Sender(db, RecordingPoster()), now=utc(2023, 12, 15, 22))
    assert DownMarket.calls == 2
