"""The daily scan's pre-filter (each ticker's base finder reuses the bases of the previous scan)
queues exactly the announcements, and stores exactly the engine states, of a scan without it:
real stocks scanned day by day, with a vendor revision in the middle (universe data; skips
without ../shared/data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scan_fakes import CountingMarket

from bot.analysis.events import EventEngine
from bot.market.csvdir import read_price_csv
from bot.scan.finder_memo import FinderMemos
from bot.scan.scanner import Scanner
from bot.store.db import Database
from bot.store.engine_states import EngineStateRepo
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo
from bot.store.watchlist import WatchlistRepo

TICKERS = 40
DAYS = 12


@pytest.fixture(scope="module")
def frames(universe_dir: Path):
    files = sorted(universe_dir.glob("*.csv.gz"))[:TICKERS]
    return {f.name[: -len(".csv.gz")]: read_price_csv(f) for f in files}


class RevisingMarket(CountingMarket):
    """Serves the frames; from ``revise_on`` on, one ticker's close of ten sessions earlier is revised."""

    def __init__(self, frames, ticker: str, revise_on):
        super().__init__(frames)
        self.ticker, self.revise_on = ticker, revise_on

    async def histories(self, tickers, *, start=None, end=None, strict=False):
        out = await super().histories(tickers, start=start, end=end, strict=strict)
        if end is not None and end >= self.revise_on and self.ticker in out:
            df = out[self.ticker].copy()
            df.iloc[-10, df.columns.get_loc("Close")] *= 1.01
            out[self.ticker] = df
        return out


async def scan_days(path: Path, frames, days, *, reuse: bool, revised: str, revise_on):
    async with Database(path) as db:
        await WatchlistRepo(db, limit=1000).add(7, sorted(frames))
        await GuildSettingsRepo(db).set_channel(7, 70)
        scanner = Scanner(db, RevisingMarket(frames, revised, revise_on), EventEngine(), reuse_bases=reuse)
        events = 0
        for day in days:
            events += (await scanner.run(as_of=day)).events
        rows = sorted((r.ticker, r.base_id, r.kind, r.bar_date, json.dumps(r.payload, sort_keys=True))
                      for r in await OutboxRepo(db).rows())
        states = {t: s.state_json for t, s in (await EngineStateRepo(db).get_many(sorted(frames))).items()}
        return scanner, events, rows, states


async def test_scans_with_and_without_the_prefilter_queue_the_same_announcements(frames, tmp_path):
    sessions = next(iter(frames.values())).index
    days = [d.date() for d in sessions[-DAYS:]]
    revised = sorted(frames)[3]
    revise_on = days[DAYS // 2]
    with_filter, events, rows, states = await scan_days(tmp_path / "a.sqlite3", frames, days, reuse=True,
                                                        revised=revised, revise_on=revise_on)
    plain, plain_events, plain_rows, plain_states = await scan_days(tmp_path / "b.sqlite3", frames, days, reuse=False,
                                                                    revised=revised, revise_on=revise_on)
    assert plain.memos is None and with_filter.memos is not None
    assert rows == plain_rows and events == plain_events and events > 0
    assert states == plain_states
    # the pre-filter was at work: memos carried from day to day, and dropped for the revised ticker
    assert with_filter.memos.reused >= TICKERS * (DAYS - 3)
    assert with_filter.memos.dropped >= 1


def test_the_prefilter_leaves_a_test_double_engine_alone():
    class Scripted:
        def step(self, state, ticker, daily):
            raise AssertionError("not called")

    assert not FinderMemos.applies_to(Scripted())
    assert not FinderMemos.applies_to(EventEngine(base_finder=lambda *a, **k: None))
    assert FinderMemos.applies_to(EventEngine())
