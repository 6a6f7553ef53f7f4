from datetime import date

import pytest
import sqlalchemy as sa
from scan_fakes import CountingMarket, RecordingPoster, ScriptedEngine, synthetic_daily

from bot.scan.delivery import Sender
from bot.scan.scanner import Scanner
from bot.store.engine_states import EngineStateRepo
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo
from bot.store.scan_runs import ScanRunRepo
from bot.store.watchlist import WatchlistRepo

BREAKOUT_DAY = date(2023, 12, 14)
FAIL_DAY = date(2024, 1, 3)


async def two_servers_tracking_iwm(db):
    guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db)
    for gid, cid in ((1, 100), (2, 200)):
        await guilds.set_channel(gid, cid)
        await watch.remove(gid, ["MDY", "SPY", "QQQ"])  # IWM stays (default list)
    return guilds, watch


async def test_two_servers_one_fetch_two_posts(db):
    await two_servers_tracking_iwm(db)
    market = CountingMarket({"IWM": synthetic_daily()})
    engine = ScriptedEngine({("IWM", BREAKOUT_DAY): "breakout"})
    scanner = Scanner(db, market, engine)
    await scanner.run(as_of=date(2023, 12, 1))  # cold start: primes the state, history is not news
    report = await scanner.run(as_of=BREAKOUT_DAY)
    # one batched call per scan, SPY in it: the RS line's benchmark and the servers' market index
    assert len(market.calls) == 2 and market.calls[-1][0] == ("IWM", "SPY")
    assert report.events == 1 and report.queued == 2
    poster = RecordingPoster()
    flushed = await Sender(db, poster).flush()
    assert flushed.sent == 2
    assert [p["key"] for p in poster.posts(100)] == [p["key"] for p in poster.posts(200)] == ["IWM|IWM-B1|breakout|2023-12-14"]


async def test_unique_tickers_are_fetched_once_across_servers(db):
    guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db)
    await guilds.set_channel(1, 100)
    await guilds.set_channel(2, 200)
    await watch.add(2, ["TLT"])
    frames = {t: synthetic_daily() for t in ("IWM", "MDY", "SPY", "QQQ", "TLT")}
    market = CountingMarket(frames)
    engine = ScriptedEngine()
    await Scanner(db, market, engine).run(as_of=date(2023, 12, 1))
    assert len(market.calls) == 1
    assert sorted(market.calls[0][0]) == ["IWM", "MDY", "QQQ", "SPY", "TLT"]
    assert len(engine.steps) == 5  # each ticker advanced once, not once per server


async def test_same_scan_twice_queues_nothing_new(db):
    await two_servers_tracking_iwm(db)
    market = CountingMarket({"IWM": synthetic_daily()})
    scanner = Scanner(db, market, ScriptedEngine({("IWM", BREAKOUT_DAY): "breakout"}))
    await scanner.run(as_of=date(2023, 12, 13))
    first = await scanner.run(as_of=BREAKOUT_DAY)
    second = await scanner.run(as_of=BREAKOUT_DAY)
    assert first.queued == 2 and second.queued == 0
    assert len(await OutboxRepo(db).rows()) == 2


async def test_outbox_ignores_an_event_the_engine_emits_again(db):
    """Even if the engine state were lost and the bar replayed, the unique key holds."""
    await two_servers_tracking_iwm(db)
    market = CountingMarket({"IWM": synthetic_daily()})
    script = {("IWM", BREAKOUT_DAY): "breakout"}
    await Scanner(db, market, ScriptedEngine(script)).run(as_of=date(2023, 12, 13))
    await Scanner(db, market, ScriptedEngine(script)).run(as_of=BREAKOUT_DAY)
    from bot.store.schema import engine_states

    async with db.transaction() as conn:
        await conn.execute(engine_states.update().values(
            state_json=sa.func.replace(engine_states.c.state_json, "2023-12-14", "2023-12-13")))
    again = await Scanner(db, market, ScriptedEngine(script)).run(as_of=BREAKOUT_DAY)
    assert again.events == 1 and again.queued == 0
    assert len(await OutboxRepo(db).rows()) == 2


async def test_cold_start_announces_only_the_newest_bar(db):
    await two_servers_tracking_iwm(db)
    market = CountingMarket({"IWM": synthetic_daily()})
    script = {("IWM", date(2023, 6, 1)): "testing", ("IWM", BREAKOUT_DAY): "breakout"}
    report = await Scanner(db, market, ScriptedEngine(script)).run(as_of=BREAKOUT_DAY)
    assert report.events == 1
    assert {r.kind for r in await OutboxRepo(db).rows()} == {"breakout"}


async def test_cold_start_is_the_engines_first_step(db):
    """A ticker's first scan goes through ``first_step`` (a replay from its newest bar, whose
    warm-up holds the memory of the tests already reported), then ``step`` from its state:
    its newest bar's test is announced as the engine gives it."""
    await two_servers_tracking_iwm(db)
    market = CountingMarket({"IWM": synthetic_daily()})
    script = {("IWM", BREAKOUT_DAY): "testing"}
    engine = ScriptedEngine(script)
    calls = []
    first_step = engine.first_step
    engine.first_step = lambda *a: calls.append(a[0]) or first_step(*a)
    scanner = Scanner(db, market, engine)
    report = await scanner.run(as_of=BREAKOUT_DAY)
    await scanner.run(as_of=date(2023, 12, 15))
    assert calls == ["IWM"]  # the second scan steps from the stored state
    assert engine.steps[-1][:2] == ("IWM", "2023-12-14")
    assert report.events == 1 and {r.kind for r in await OutboxRepo(db).rows()} == {"testing"}


async def test_catch_up_after_downtime_announces_recent_events_only(db):
    await two_servers_tracking_iwm(db)
    market = CountingMarket({"IWM": synthetic_daily()})
    script = {("IWM", date(2023, 12, 4)): "testing", ("IWM", BREAKOUT_DAY): "breakout", ("IWM", FAIL_DAY): "failed"}
    engine = ScriptedEngine(script)
    scanner = Scanner(db, market, engine, max_event_age_days=7)
    await scanner.run(as_of=date(2023, 12, 1))
    report = await scanner.run(as_of=date(2024, 1, 5))  # down for a month
    assert engine.steps[-1][2] == len(synthetic_daily()["2023-12-02":"2024-01-05"])  # every missed bar processed
    assert report.events == 1 and {r.kind for r in await OutboxRepo(db).rows()} == {"failed"}


async def test_one_broken_ticker_does_not_stop_the_others(db):
    guilds = GuildSettingsRepo(db)
    await guilds.set_channel(1, 100)
    market = CountingMarket({t: synthetic_daily() for t in ("IWM", "MDY", "SPY")})  # no QQQ data
    scanner = Scanner(db, market, ScriptedEngine(fail={"MDY"}))
    report = await scanner.run(as_of=date(2023, 12, 1))
    assert sorted(report.failed) == ["MDY", "QQQ"]
    states = await EngineStateRepo(db).get_many(["IWM", "MDY", "SPY", "QQQ"])
    assert sorted(states) == ["IWM", "SPY"]
    rec = states["IWM"]
    assert rec.last_date == date(2023, 12, 1) and rec.phase == "idle" and rec.level == 100.0
    assert rec.distance_pct == pytest.approx((rec.last_close / 100.0 - 1) * 100)
    assert await ScanRunRepo(db).last_session() == date(2023, 12, 1)


async def test_no_subscribers_means_no_fetch_but_run_is_recorded(db):
    market = CountingMarket({})
    await WatchlistRepo(db).add(1, ["IWM"])  # alerts never turned on
    report = await Scanner(db, market, ScriptedEngine()).run(as_of=date(2023, 12, 1))
    assert market.calls == [] and report.tickers == 0
    assert await ScanRunRepo(db).last_session() == date(2023, 12, 1)


async def test_split_since_the_last_scan_restarts_the_ticker(db):
    # The stored state (base levels, breakout close) is in pre-split prices. Advancing it
    # over split-adjusted bars would read a 2-for-1 split as a collapse through support and
    # announce a "failed"/"busted" that never happened. The ticker starts over instead.
    await two_servers_tracking_iwm(db)
    before = synthetic_daily()
    market = CountingMarket({"IWM": before})
    engine = ScriptedEngine()
    scanner = Scanner(db, market, engine)
    await scanner.run(as_of=date(2023, 12, 1))
    await scanner.run(as_of=date(2023, 12, 4))
    assert engine.steps[-1][:2] == ("IWM", "2023-12-01")  # continues from its state
    after = before.copy()
    after[["Open", "High", "Low", "Close"]] = after[["Open", "High", "Low", "Close"]] / 2
    market.frames["IWM"] = after
    engine.script[("IWM", date(2023, 12, 4))] = "failed"  # what a stale state would see
    engine.script[("IWM", date(2023, 12, 5))] = "failed"
    report = await scanner.run(as_of=date(2023, 12, 5))
    assert engine.steps[-1][:2] == ("IWM", None)  # cold start on the adjusted history
    assert report.queued == 2  # only the newest bar's event is news (once per server)
    rows = await OutboxRepo(db).rows()
    assert {r.bar_date for r in rows} == {date(2023, 12, 5)}
    stored = await EngineStateRepo(db).get("IWM")
    assert stored.last_close == float(after.loc["2023-12-05", "Close"])


async def test_cent_rounding_is_not_a_split(db):
    await two_servers_tracking_iwm(db)
    before = synthetic_daily()
    market = CountingMarket({"IWM": before})
    engine = ScriptedEngine()
    scanner = Scanner(db, market, engine)
    await scanner.run(as_of=date(2023, 12, 1))
    nudged = before.copy()
    nudged["Close"] = nudged["Close"] + 0.01
    market.frames["IWM"] = nudged
    await scanner.run(as_of=date(2023, 12, 4))
    assert engine.steps[-1][:2] == ("IWM", "2023-12-01")


class StaleMarket(CountingMarket):
    """The price cache's answer while the source is down: cached bars marked stale."""

    def __init__(self, frames, stale):
        super().__init__(frames)
        self.stale = set(stale)

    async def histories(self, tickers, *, start=None, end=None, strict=False):
        out = await super().histories(tickers, start=start, end=end, strict=strict)
        for t, df in out.items():
            df.attrs["stale"] = t in self.stale
        return out


async def test_source_down_behind_the_cache_is_not_a_completed_scan(db):
    # With the price cache in front, a Yahoo outage arrives as stale cached bars, not as an
    # exception. Recording the scan would mark the session done and skip the retry.
    from bot.errors import DataSourceError

    await two_servers_tracking_iwm(db)
    frames = {"IWM": synthetic_daily(end="2023-12-13")}
    scanner = Scanner(db, StaleMarket(frames, stale={"IWM"}), ScriptedEngine())
    with pytest.raises(DataSourceError):
        await scanner.run(as_of=BREAKOUT_DAY)
    assert await ScanRunRepo(db).last_session() is None


async def test_partly_stale_prices_count_as_failed_tickers(db):
    guilds = GuildSettingsRepo(db)
    await guilds.set_channel(1, 100)  # IWM MDY SPY QQQ
    frames = {t: synthetic_daily() for t in ("IWM", "MDY", "SPY", "QQQ")}
    report = await Scanner(db, StaleMarket(frames, stale={"SPY"}), ScriptedEngine()).run(as_of=date(2023, 12, 1))
    assert report.failed == ["SPY"]
    assert await ScanRunRepo(db).last_session() == date(2023, 12, 1)
