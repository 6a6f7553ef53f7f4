"""The use-case layer (bot.services) on its own: no Discord, a temporary SQLite store and
synthetic CSV prices."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from scan_fakes import RecordingPoster, ScriptedEngine, write_csv_dir

from bot.errors import BadArgument, UnknownTicker
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.schedule import NEW_YORK
from bot.services.composition import Services, build_services, open_services
from bot.settings import Settings
from bot.store.db import Database
from bot.store.engine_states import StateRecord
from bot.store.outbox import NewMessage, OutboxRepo
from bot.store.scan_runs import ScanRunRepo
from bot.store.watchlist import DEFAULT_WATCHLIST

GUILD, CHANNEL, ROLE = 1, 100, 4242
KNOWN = ["IWM", "MDY", "SPY", "QQQ", "TLT", "XLK"]


@pytest.fixture(scope="module")
def prices(tmp_path_factory):
    return write_csv_dir(tmp_path_factory.mktemp("prices"), KNOWN)


@pytest.fixture
async def services(prices, tmp_path):
    s = Services(MarketData(CsvDirectoryProvider(prices)), Database(tmp_path / "bot.sqlite3"))
    await s.open()
    yield s
    await s.close()


def utc(*a):
    return datetime(*a, tzinfo=timezone.utc)


# ---- watchlist --------------------------------------------------------------------------
async def test_track_untrack_and_list(services):
    watch = services.watchlist
    added = await watch.track(GUILD, "tlt, $xlk")
    assert added.added == ("TLT", "XLK") and added.total == 2
    again = await watch.track(GUILD, "XLK IWM")
    assert again.added == ("IWM",) and again.already == ("XLK",) and again.total == 3
    removed = await watch.untrack(GUILD, "TLT SPY")
    assert removed.removed == ("TLT",) and removed.missing == ("SPY",) and removed.total == 2
    assert sorted(await watch.tickers(GUILD)) == ["IWM", "XLK"]
    assert await watch.tickers(GUILD + 1) == []  # another server's list is its own


async def test_track_adds_all_or_nothing(services):
    with pytest.raises(UnknownTicker, match="ZZZZ"):
        await services.watchlist.track(GUILD, "TLT ZZZZ")
    assert await services.watchlist.tickers(GUILD) == []
    with pytest.raises(BadArgument):
        await services.watchlist.track(GUILD, "  ")


async def test_lines_come_from_the_scan_state_else_a_quick_base_check(services):
    await services.watchlist.track(GUILD, "TLT XLK")
    record = StateRecord(ticker="TLT", state_json="{}", last_date=date(2026, 11, 20), phase="armed",
                         level=101.0, last_close=99.0)
    await OutboxRepo(services.db).commit_ticker(record, [])  # what a scan writes for TLT
    lines = await services.watchlist.lines(GUILD)
    assert len(lines) == 2
    tlt, xlk = sorted(lines)
    assert tlt.startswith("**TLT** — in its base · close 99.00") and "(2026-11-20)" in tlt
    assert xlk.startswith("**XLK** — ") and "not scanned yet" in xlk


async def test_watchlist_settings_follow_the_alerts(services):
    assert not (await services.watchlist.settings(GUILD)).alerts_enabled
    await services.alerts.set_channel(GUILD, CHANNEL)
    settings = await services.watchlist.settings(GUILD)
    assert settings.alerts_enabled and settings.defaults_added


# ---- alerts -----------------------------------------------------------------------------
async def test_set_channel_starts_an_empty_watchlist_with_the_defaults(services):
    change = await services.alerts.set_channel(GUILD, CHANNEL)
    assert change.settings.alerts_enabled and change.settings.alerts_channel_id == CHANNEL
    assert change.defaults_added == DEFAULT_WATCHLIST and not change.defaults_skipped
    assert sorted(change.tracked) == sorted(DEFAULT_WATCHLIST)


async def test_set_channel_keeps_a_chosen_watchlist(services):
    await services.watchlist.track(GUILD, "TLT")
    change = await services.alerts.set_channel(GUILD, CHANNEL)
    assert change.defaults_added == () and change.defaults_skipped and change.tracked == ["TLT"]


async def test_turn_off_and_ping_role(services):
    assert await services.alerts.turn_off(GUILD) is False  # never on
    await services.alerts.set_channel(GUILD, CHANNEL)
    assert (await services.alerts.set_ping_role(GUILD, ROLE)).ping_role_id == ROLE
    assert await services.alerts.turn_off(GUILD) is True
    status = await services.alerts.status(GUILD, now=utc(2026, 11, 18, 15))
    assert not status.settings.alerts_enabled and status.settings.ping_role_id == ROLE
    assert status.next_run is None  # no scans while alerts are off
    assert (await services.alerts.set_ping_role(GUILD, None)).ping_role_id is None


async def test_status_data(services):
    empty = await services.alerts.status(GUILD, now=utc(2026, 11, 18, 15))
    assert (empty.tracked, empty.pending, empty.last_scan, empty.next_run) == ([], 0, None, None)
    await services.alerts.set_channel(GUILD, CHANNEL)
    record = StateRecord(ticker="IWM", state_json="{}", last_date=date(2026, 11, 17), phase="breakout")
    message = NewMessage(GUILD, CHANNEL, "IWM", "IWM-B1", "breakout", date(2026, 11, 17), {"key": "k1"})
    await OutboxRepo(services.db).commit_ticker(record, [message])
    await ScanRunRepo(services.db).record(date(2026, 11, 17), started_at="2026-11-17T21:20:00+00:00", tickers=4,
                                          events=1, queued=1, failed_tickers=0)
    status = await services.alerts.status(GUILD, now=utc(2026, 11, 18, 15))  # 10:00 in New York
    assert sorted(status.tracked) == sorted(DEFAULT_WATCHLIST) and status.pending == 1
    assert status.last_scan is not None and status.last_scan.session_date == date(2026, 11, 17)
    assert status.next_run.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M") == "2026-11-18 16:20"


# ---- scan -------------------------------------------------------------------------------
async def test_scan_service_wires_scanner_engine_and_sender(prices, tmp_path):
    engine = ScriptedEngine({("IWM", date(2026, 11, 18)): "breakout"})
    services = Services(MarketData(CsvDirectoryProvider(prices)), Database(tmp_path / "bot.sqlite3"), engine=engine)
    await services.open()
    try:
        await services.alerts.set_channel(GUILD, CHANNEL)
        assert services.scan.scanner.engine is engine and services.scan is services.scan
        poster = RecordingPoster()
        sender = services.scan.sender(poster)
        first = await services.scan.cycle(sender, now=utc(2026, 11, 17, 22))  # cold start: nothing to say
        assert first.scan.session == date(2026, 11, 17) and first.flush.sent == 0
        report = await services.scan.cycle(sender, now=utc(2026, 11, 18, 22))
        assert report.scan.session == date(2026, 11, 18) and report.flush.sent == 1
        assert [p["event"] for p in poster.posts(CHANNEL)] == ["breakout"]
    finally:
        await services.close()


# ---- composition ------------------------------------------------------------------------
async def test_cli_services_without_a_database_serve_prices_only(prices):
    async with open_services(Settings(), prices) as services:
        assert services.db is None and services.source.name == "csv"
        report = await services.perf.report(["IWM", "SPY"], period="1m", as_of="2026-11-20")
        assert list(report.comparison.tickers) == ["IWM", "SPY"] and report.data_date == date(2026, 11, 20)
        with pytest.raises(RuntimeError, match="database"):
            _ = services.watchlist


def test_build_services_opens_nothing_until_asked(prices, tmp_path):
    services = build_services(Settings(db_path=tmp_path / "bot.sqlite3"), data_dir=prices)
    assert services.db is not None and services.market.source_name == "csv"
    assert not (tmp_path / "bot.sqlite3").exists()
    assert services.base is services.base  # one of each use case
