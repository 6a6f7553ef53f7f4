"""One truth (issue 25): the live scan announces exactly what `replay` shows, on real data.

For each case a server starts watching tickers at a month end (a cold start), then the real
``Scanner`` runs day by day for 20 sessions; from the first session after the cold start its
queued announcements must equal ``replay``'s for the same days, kind for kind, level for level
(harness: tests/scan_parity.py). The suite runs a deterministic sample: every one of the 12
ETFs and 50 stocks once, spread over the month ends of 2016–2025 (each ticker on another month
end), and the restart from stored engine states on both store engines for two of those cases.
The whole period (every month end × every ticker, and the restart on both engines) is
``python benchmarks/scan_parity.py`` (docs/algorithm.md, "The live scan is a replay").
"""

from __future__ import annotations

from datetime import date

import pytest
from scan_parity import ETFS, load_frames, month_ends, run_case, sqlite_store, stock_sample

STOCKS = 50
CASES = 12  # month ends sampled in the suite; each gets a slice of the tickers


@pytest.fixture(scope="module")
def universe(shared_data, universe_dir):
    tickers = list(ETFS) + stock_sample(universe_dir, STOCKS)
    frames = load_frames(shared_data, tickers)
    calendar = frames["SPY"].index
    return tickers, frames, calendar, month_ends(calendar)


def sampled_cases(tickers, ends):
    """CASES month ends spread over 2016–2025 (a different month of the year each), the
    tickers dealt round-robin: every ticker is cold-started once."""
    step = len(ends) // CASES
    picks = [ends[k * len(ends) // CASES + k % step] for k in range(CASES)]
    return [(day, tickers[k::CASES]) for k, day in enumerate(picks)]


def _report(result):
    return "; ".join(f"{t}: live {live} != replay {rep}" for t, (live, rep) in result.mismatches().items())


async def test_live_scan_from_a_cold_start_announces_what_replay_shows(universe, tmp_path):
    tickers, frames, calendar, ends = universe
    cases = sampled_cases(tickers, ends)
    assert len({d for d, _ in cases}) == CASES and sorted(t for _, ts in cases for t in ts) == sorted(tickers)
    events = 0
    for n, (day, some) in enumerate(cases):
        result = await run_case(sqlite_store(tmp_path / f"case{n}.sqlite3"), frames, some, day, calendar)
        assert not result.mismatches(), f"cold start {day}: {_report(result)}"
        events += result.events
    assert events >= 10  # the comparison is not vacuous: replay announced things in those weeks


async def test_cold_start_on_2023_12_13_does_not_repeat_tests(universe, tmp_path):
    """The issue's case: watched from 2023-12-13, the bot announced "QQQ … 3rd test of 406.64"
    on 2023-12-14 (a recount of a base whose 4th test the finder reported in November; the
    replay's warm-up remembers it, a cold start did not)."""
    _, frames, calendar, _ = universe
    result = await run_case(sqlite_store(tmp_path / "dec.sqlite3"), frames, ["QQQ", "SPY", "IWM"], date(2023, 12, 13), calendar)
    assert not result.mismatches(), _report(result)
    assert not [a for a in result.live["QQQ"] if a[:2] == ("2023-12-14", "testing")]
    assert [a[1] for a in result.live["QQQ"]] == ["breakout", "failed"]  # 2023-12-26, 2024-01-03


# two sampled cases with announcements on both sides of the restart's day (TLT's 2019-08-14
# breakout; CCL's tests of 2023-02-06 and 2023-02-13, the second judged from the stored memory)
RESTARTED = (4, 8)


@pytest.mark.parametrize("case", RESTARTED)
async def test_after_a_restart_from_stored_states_the_scan_still_announces_what_replay_shows(universe, store, case):
    tickers, frames, calendar, ends = universe
    day, some = sampled_cases(tickers, ends)[case]
    result = await run_case(store.open, frames, some[:3], day, calendar, restart_after=5)
    assert not result.mismatches(), f"cold start {day}, restart after 5 sessions: {_report(result)}"
    assert result.events >= 1
