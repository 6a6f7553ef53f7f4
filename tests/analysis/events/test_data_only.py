"""The data-only engine (``EventEngine(data_only=True)``, what ``python -m bot study`` replays) is a
shortcut: it must announce exactly the breakout, failed, faded and busted events the plain
replay (and so the live scan) announces, on real data (their test counts aside: it keeps no
memory of the tests reported), and find_base(only_if_event=True) must
answer as find_base does whenever it answers at all."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from bot.analysis.base import find_base
from bot.analysis.events import EventEngine, TickerState
from bot.analysis.events.replay import replay
from bot.market.csvdir import read_price_csv

DATA_ONLY = {"breakout", "failed", "faded", "busted"}


def assert_same_events(data_only, plain):
    """Equal in everything but the test count, which the plain engine raises to the most tests
    its memory holds for the base (test counts only go up); the data-only one keeps no memory
    and says the finder's count, never more."""
    assert [replace(e, test_count=0) for e in data_only] == [replace(e, test_count=0) for e in plain]
    assert all(a.test_count <= b.test_count for a, b in zip(data_only, plain))


def _data_only_replay(ticker: str, daily: pd.DataFrame, start: str):
    """Every bar from ``start`` with no warm-up (data-only events need none)."""
    lo = int(daily.index.searchsorted(pd.Timestamp(start)))
    state = TickerState(ticker, last_date=daily.index[lo - 1].date().isoformat())
    _, events = EventEngine(data_only=True).step(state, ticker, daily)
    return events


@pytest.mark.parametrize("ticker,start", [("IWM", "2019-01-01"), ("XLK", "2020-01-01"), ("TLT", "2021-01-01")])
def test_etfs_data_only_events_equal_the_replay(load_daily, ticker, start):
    daily = load_daily(ticker)
    plain = [e for e in replay(ticker, daily, start) if e.kind in DATA_ONLY]
    assert plain, "the window must hold events for the comparison to mean something"
    assert_same_events(_data_only_replay(ticker, daily, start), plain)


@pytest.mark.parametrize("ticker", ["AAPL", "KO", "CAT"])
def test_stocks_data_only_events_equal_the_replay(universe_dir, ticker):
    daily = read_price_csv(universe_dir / f"{ticker}.csv.gz")
    start = "2019-06-01"
    plain = [e for e in replay(ticker, daily, start) if e.kind in DATA_ONLY]
    assert {e.kind for e in plain} >= {"breakout", "failed"}
    assert_same_events(_data_only_replay(ticker, daily, start), plain)


def test_only_if_event_answers_as_find_base_or_not_at_all(load_daily):
    """At every day of IWM's 2023-24 stretch: None only when find_base's status is neither breakout,
    failed nor faded for either base; otherwise the very same result."""
    daily = load_daily("IWM")
    days = daily.loc["2023-10-01":"2024-06-30"].index
    answered = 0
    for d in days:
        full = find_base(daily, as_of=d.date())
        short = find_base(daily, as_of=d.date(), only_if_event=True)
        statuses = {b.status for b in (full, full.major) if b is not None}
        if short is None:
            assert not statuses & {"breakout", "failed", "faded"}, d
        else:
            answered += 1
            assert short == full, d
    assert 0 < answered < len(days)
