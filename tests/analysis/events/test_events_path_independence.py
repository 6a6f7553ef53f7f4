"""A bot started on any date announces the same breakouts and failures (real data).

Replays from six start dates to 2024-12-31; every event dated after 2023-11-15 must be the
same (same key, same fields) whatever the start: breakouts and failures depend on the data
alone, and the replay's warm-up covers the memory of reported tests. One cached find_base per ticker serves all six replays.
The default run covers 4 ETFs and 2 stocks (≈ 15 s); BREAKOUT_SLOW_TESTS=1 runs all 12.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from events_synth import CachedFinder

from bot.analysis.events import EventEngine
from bot.analysis.events.replay import replay
from bot.market.csvdir import read_price_csv

STARTS = ["2019-01-02", "2021-01-04", "2022-06-01", "2023-01-03", "2023-06-01", "2023-11-01"]
AFTER = date(2023, 11, 15)
SLOW = os.environ.get("BREAKOUT_SLOW_TESTS") == "1"
ETFS = ["IWM", "MDY", "SPY", "QQQ"] + (["GLD", "TLT"] if SLOW else [])
STOCKS = ["JPM", "CAT"] + (["AAPL", "MSFT", "XOM", "HD"] if SLOW else [])


def _frame(ticker, load_daily, universe_dir):
    if ticker in STOCKS:
        return read_price_csv(universe_dir / f"{ticker}.csv.gz")
    return load_daily(ticker)


@pytest.mark.parametrize("ticker", ETFS + STOCKS)
def test_events_after_mid_november_2023_do_not_depend_on_the_start(ticker, load_daily, universe_dir):
    daily = _frame(ticker, load_daily, universe_dir)
    engine = EventEngine(base_finder=CachedFinder())
    runs = {s: [e for e in replay(ticker, daily, s, "2024-12-31", engine) if e.date > AFTER] for s in STARTS}
    first = runs[STARTS[0]]
    for s in STARTS[1:]:  # the replay's warm-up spans the test memory: every event is the same
        assert runs[s] == first, (s, [(e.kind, e.date) for e in runs[s]], [(e.kind, e.date) for e in first])
    tests = [e for e in first if e.kind == "testing"]
    assert len({e.key for e in tests}) == len(tests)
    for e in tests:  # each one is a day the finder reports a recent n-th test (n >= 3) of one base
        i = int(daily.index.searchsorted(str(e.date)))
        window = daily.iloc[max(0, i + 1 - engine.params.finder_window_bars()) : i + 1]
        r = engine.base_finder(window, e.date, timeframe="weekly")
        b = next(b for b in (r, r.major) if b is not None and b.status == "testing" and len(b.tests) == e.test_count)
        assert e.test_count >= 3 and b.tests[-1].high >= b.resistance.zone_low, (e.date, b.tests[-1])
        assert int(daily.index.searchsorted(str(b.tests[-1].date))) >= i - engine.params.recent_test_bars
    # a failure names the breakout it ends, with that breakout's base id
    for e in first:
        if e.kind == "failed":
            assert any(b.kind == "breakout" and b.date == e.breakout_date and b.base_id == e.base_id
                       for b in first) or e.breakout_date <= AFTER


def test_the_story_has_events_to_compare(load_daily):
    """Guard against a vacuous comparison: IWM has its December 2023 breakout and failure."""
    events = replay("IWM", load_daily("IWM"), "2023-11-01", "2024-12-31", EventEngine(base_finder=CachedFinder()))
    assert {e.kind for e in events if e.date > AFTER} >= {"breakout", "failed"}
