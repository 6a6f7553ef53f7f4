"""What the scan queues beside an event: earnings from the earnings source, and an announcement
that still goes out when that source fails (both store engines)."""

from __future__ import annotations

from datetime import date

from scan_fakes import CountingMarket, ScriptedEngine, synthetic_daily

from bot.analysis.evidence import Evidence
from bot.scan.scanner import Scanner
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo
from bot.store.watchlist import WatchlistRepo

DAY = date(2023, 12, 14)


class Earnings:
    def __init__(self, when: date | None = None, fail: bool = False):
        self.when, self.fail, self.asked = when, fail, []

    async def next_earnings(self, ticker, as_of):
        self.asked.append((ticker, as_of))
        if self.fail:
            raise TimeoutError("the earnings calendar did not answer")
        return self.when


async def _queued(db, earnings) -> list[dict]:
    await GuildSettingsRepo(db).set_channel(1, 100)
    watch = WatchlistRepo(db)
    await watch.remove(1, ["MDY", "SPY", "QQQ", "IWM"])
    await watch.add(1, ["ACME"])
    market = CountingMarket({"ACME": synthetic_daily(), "SPY": synthetic_daily(base=400.0)})
    scanner = Scanner(db, market, ScriptedEngine({("ACME", DAY): "breakout"}), earnings=earnings)
    await scanner.run(as_of=date(2023, 12, 1))
    await scanner.run(as_of=DAY)
    return [r.payload for r in await OutboxRepo(db).pending()]


async def test_the_next_earnings_date_goes_into_the_payload(db):
    source = Earnings(date(2023, 12, 21))
    (payload,) = await _queued(db, source)
    ev = Evidence.from_dict(payload["evidence"])
    assert ev.earnings == date(2023, 12, 21) and ev.earnings_sessions == 5
    assert source.asked == [("ACME", DAY)]


async def test_an_earnings_source_that_fails_costs_only_the_earnings_line(db, caplog):
    (payload,) = await _queued(db, Earnings(fail=True))
    assert payload["event"] == "breakout"
    assert Evidence.from_dict(payload["evidence"]).earnings is None
    assert "earnings date of ACME left out" in caplog.text
