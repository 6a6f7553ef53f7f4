"""What a ``find_base`` memo carries between calls (``bot.analysis.base.carry``): the weekly
arrays and ATR extended by the new days equal the ones built from scratch, bit for bit, and a
memo whose bars changed is emptied before anything in it is read."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from bot.analysis.bars import daily_arrays
from bot.analysis.base import FinderMemo, find_base, forget_before, settle, share_arrays
from bot.analysis.base.carry import analysis_arrays, check_bars, resets
from bot.analysis.base.scan import Ceilings

FIELDS = ("day", "high", "low", "close", "hi_day", "lo_day", "cmax")


def _same(a, b) -> None:
    bars_a, atr_a = a
    bars_b, atr_b = b
    for f in FIELDS:
        assert np.array_equal(getattr(bars_a, f), getattr(bars_b, f)), f
    assert np.array_equal(atr_a, atr_b)  # exactly: no tolerance


@pytest.mark.parametrize("ticker", ["IWM", "TLT", "GLD"])
@pytest.mark.parametrize("weekly", [True, False])
def test_arrays_extended_day_by_day_equal_the_ones_built_from_scratch(load_daily, ticker, weekly):
    daily = load_daily(ticker)
    memo = FinderMemo()
    # day by day through two months (weeks that open, grow and close), then a jump of ten days
    ends = list(range(len(daily) - 60, len(daily) - 15)) + [len(daily) - 5, len(daily)]
    extended = 0
    for end in ends:
        d = daily_arrays(daily, 0, end, open_volume=False)
        shared = check_bars(memo, d)
        extended += shared > 0
        _same(analysis_arrays(d, weekly, 14, memo, shared), analysis_arrays(d, weekly, 14))
    assert extended == len(ends) - 1  # every call after the first extended the previous one


def test_a_revised_bar_empties_the_memo_before_its_bases_are_read(load_daily):
    daily = load_daily("MDY").loc["2016-01-01":"2024-01-31"]
    memo = FinderMemo()
    find_base(daily.loc[:"2024-01-12"], memo=memo)
    first_call = list(memo.bases.values())  # (held: ids stay unique)

    def still_held() -> bool:
        return any(c is kept for c in first_call for kept in memo.bases.values())

    assert first_call and resets(memo) == 0
    find_base(daily.loc[:"2024-01-19"].copy(), memo=memo)
    assert resets(memo) == 0 and still_held()  # the same bars (another frame): reused
    revised = daily.copy()
    revised.loc["2023-12-01", ["High", "Close"]] *= 1.01  # a revised bar weeks before the last
    got = find_base(revised.loc[:"2024-01-19"], memo=memo)
    assert resets(memo) == 1
    assert not still_held()  # nothing built on the old bars is left
    assert got == find_base(revised.loc[:"2024-01-19"])
    # the memo carries on from the revised bars
    assert find_base(revised.loc[:"2024-01-26"], memo=memo) == find_base(revised.loc[:"2024-01-26"])
    assert resets(memo) == 1


def test_a_memo_given_another_first_bar_starts_afresh(load_daily):
    daily = load_daily("IWM").loc["2012-01-01":"2024-03-28"]
    memo = FinderMemo()
    find_base(daily.loc[:"2024-03-01"], memo=memo)
    later_start = daily.loc["2013-01-01":"2024-03-08"]
    assert find_base(later_start, memo=memo) == find_base(later_start)
    assert resets(memo) == 1


def test_carried_entries_survive_forget_before_and_share_arrays(load_daily):
    daily = load_daily("QQQ").loc["2014-01-01":"2024-06-28"]
    memo = FinderMemo()
    for ts in daily.loc["2024-05-01":"2024-06-28"].index:
        frame = daily.loc[:ts]
        assert find_base(frame, memo=memo) == find_base(frame)
        forget_before(memo, ts.date() - timedelta(days=100))
        share_arrays(memo)
    assert resets(memo) == 0
    assert memo.seen is not None and memo.arrays and memo.fresh  # the checksum, arrays and fresh closes are kept
    assert all(isinstance(c, Ceilings) for c in memo.bases.values())


def test_a_scan_kept_memo_gives_the_answers_of_fresh_calls_on_real_stocks(universe_dir, monkeypatch):
    """Day by day over three months, as the daily scan calls it: each day's base takes over
    the candidates of the day before in the same week where the new bar cannot change them
    (``_Window.inherit``), and the fresh closes known from earlier days; every answer equals
    a call without a memo. (A looser rule for taking over fails this: tried.)"""
    from bot.analysis.base import scan
    from bot.market.csvdir import read_price_csv

    taken = []
    inherit = scan._Window.inherit

    def counting(self, prev, prev_memo, memo):
        before = len(memo)
        inherit(self, prev, prev_memo, memo)
        taken.append(len(memo) - before)

    monkeypatch.setattr(scan._Window, "inherit", counting)
    files = sorted(universe_dir.glob("*.csv.gz"))[::42]
    for f in files:
        daily = read_price_csv(f)
        memo = FinderMemo()
        for end in range(len(daily) - 63, len(daily) + 1):
            frame = daily.iloc[:end]
            assert find_base(frame, memo=memo) == find_base(frame), (f.name, frame.index[-1])
            share_arrays(memo)
            forget_before(memo, frame.index[-1].date() - timedelta(days=100))
            settle(memo)  # as the scan keeps it
        assert resets(memo) == 0
    assert len(files) >= 10 and sum(taken) > 100  # candidates were taken over, many times
    assert taken.count(0) < len(taken)


def test_week_positions_found_by_search_equal_the_weekly_grouping(load_daily):
    """The finder finds a day's week by searching the weeks' last days instead of keeping a
    week number per day: the same numbers as weekly_arrays' grouping, and each line day is
    the last day of the week before."""
    from bot.analysis.bars import weekly_arrays
    from bot.analysis.base.finder import _Analyzer
    from bot.analysis.base.params import BaseParams

    d = daily_arrays(load_daily("SPY"), open_volume=False)
    an = _Analyzer(d, True, BaseParams())
    _, group = weekly_arrays(d.day, None, d.high, d.low, d.close, None)
    assert np.array_equal(an.week_of(slice(None)), group)
    for j in range(1, len(d), 97):
        k = an.line_day(j)
        assert k == int(np.flatnonzero(group < group[j])[-1]) if group[j] else k == -1


def test_a_few_days_make_the_weeks_weekly_arrays_makes():
    """The plain-Python weeks of the last days: ties keep the first day, missing values too."""
    from bot.analysis.bars import weekly_arrays
    from bot.analysis.base.carry import _few_weeks

    day = np.array([20270, 20271, 20272, 20275, 20276, 20277, 20278, 20279, 20282], dtype=np.int64)
    high = np.array([10.0, 11.0, 11.0, 9.0, 9.5, 9.5, 8.0, 9.4, 12.0])
    low = np.array([9.0, 8.5, 8.5, 8.0, 8.0, 8.7, 7.9, 8.8, 11.0])
    close = np.array([9.5, 10.9, 10.0, 8.5, 9.4, 9.0, 8.1, 9.4, 11.5])
    for h in (high, np.where(np.arange(len(high)) == 4, np.nan, high)):
        want = weekly_arrays(day, None, h, low, close, None)[0]
        got = _few_weeks(day, h, low, close)
        assert len(want) == 3
        for f in FIELDS:
            assert np.array_equal(getattr(got, f), getattr(want, f), equal_nan=True), f
            assert getattr(got, f).dtype == getattr(want, f).dtype, f


@pytest.mark.parametrize("weekly", [True, False])
def test_one_day_at_a_time_the_fresh_close_rule_gives_the_matrix_answer(load_daily, weekly):
    """The next day of a kept memo is checked on its own (``_fresh_one``); a cold call checks
    its ~50 days at once with matrices (``_fresh_candidates``, ``_fresh_flags``): the same days
    pass, at both scales, over every day of four years of real closes."""
    from bot.analysis.base.finder import _Analyzer
    from bot.analysis.base.params import BaseParams

    scales = (0, 1) if weekly else (0,)
    passed = 0
    for ticker in ("IWM", "QQQ", "TLT"):
        d = daily_arrays(load_daily(ticker), open_volume=False)
        an = _Analyzer(d, weekly, BaseParams())
        js = np.arange(len(d) - 1000, len(d))
        cands = an._fresh_candidates(js)
        matrix = {s: an._fresh_flags(s, *cands) for s in scales}
        for j in js.tolist():
            one = an._fresh_one(j, scales)
            assert one == [s for s in scales if j in matrix[s]], (ticker, j)
            passed += bool(one)
    assert passed > 20  # days that pass, not only days that fail
