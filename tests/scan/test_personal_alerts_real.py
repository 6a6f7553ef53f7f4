"""Personal alerts on the seed, replayed through the live path on a faked clock: three members
set IWM alerts after the 2023-12-22 close; the 2023-12-26 close fires the first two (one DM
each), the 2024-01-03 close the third; the level alerts are then gone and the breakout alert
remains. Real data (skips without ../shared/data), both store engines.

The issue's example level is 200, but IWM closed above 200 on 2023-12-19 (200.93) and
2023-12-22 (201.48): set before 12-26, "above 200" is refused as already crossed (asserted
below) or fires on the 12-22 close. The breakout line, 203.00, is the level the 12-26 close
first crossed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from scan_fakes import RecordingPoster

from bot.analysis.events import EventEngine
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.delivery import Sender
from bot.scan.scanner import Scanner
from bot.scan.schedule import is_trading_day
from bot.store.personal_alerts import PersonalAlertRepo

GUILD = 11
ABOVE, BREAKOUT, BELOW = 101, 102, 103


def _sessions(first: date, last: date):
    d = first
    while d <= last:
        if is_trading_day(d):
            yield d
        d += timedelta(days=1)


async def test_three_members_iwm_alerts_fire_on_the_seed(shared_data, db):
    poster = RecordingPoster()
    scanner = Scanner(db, MarketData(CsvDirectoryProvider(shared_data)), EventEngine())
    sender = Sender(db, poster)
    repo = PersonalAlertRepo(db)
    # the scan has seen IWM through the 12-22 close (the server watches nothing: IWM is scanned
    # only because members' alerts use it)
    await repo.add(GUILD, 999, "IWM", "any")
    await scanner.run(as_of=date(2023, 12, 21))
    await repo.remove_member(GUILD, 999)
    report = await scanner.run(as_of=date(2023, 12, 22))
    assert report.tickers == 0  # no alerts, no watchlist: nothing scanned

    await repo.add(GUILD, ABOVE, "IWM", "above", 203.0)
    await repo.add(GUILD, BREAKOUT, "IWM", "breakout")
    await repo.add(GUILD, BELOW, "IWM", "below", 195.0)
    days = {}
    for d in _sessions(date(2023, 12, 22), date(2024, 1, 5)):
        report = await scanner.run(as_of=d)
        assert report.personal_tickers == 1
        await sender.flush()
        days[d] = {u: len(poster.dms.get(u, [])) for u in (ABOVE, BREAKOUT, BELOW)}

    assert days[date(2023, 12, 22)] == {ABOVE: 0, BREAKOUT: 0, BELOW: 0}
    assert days[date(2023, 12, 26)] == {ABOVE: 1, BREAKOUT: 1, BELOW: 0}
    assert days[date(2024, 1, 2)] == {ABOVE: 1, BREAKOUT: 1, BELOW: 0}
    assert days[date(2024, 1, 3)] == {ABOVE: 1, BREAKOUT: 1, BELOW: 1}
    assert days[date(2024, 1, 5)] == {ABOVE: 1, BREAKOUT: 1, BELOW: 1}
    (above,) = poster.dms[ABOVE]
    assert (above["event"], above["date"], above["close"]) == ("above", "2023-12-26", pytest.approx(204.10, abs=0.01))
    (breakout,) = poster.dms[BREAKOUT]
    assert (breakout["event"], breakout["date"]) == ("breakout", "2023-12-26")
    (below,) = poster.dms[BELOW]
    assert (below["event"], below["date"], below["close"]) == ("below", "2024-01-03", pytest.approx(194.20, abs=0.01))
    left = [(a.user_id, a.kind) for a in await repo.list(GUILD, ABOVE) + await repo.list(GUILD, BREAKOUT)
            + await repo.list(GUILD, BELOW)]
    assert left == [(BREAKOUT, "breakout")]
