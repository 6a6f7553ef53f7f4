"""The levels (breakout line, buy range, invalidation) are the engine's own rules in numbers."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bot.analysis.base import find_base
from bot.analysis.base.params import BaseParams
from bot.analysis.events.outcomes import breakout_history
from bot.analysis.levels import BUY_RANGE_PCT, levels_of, levels_of_event, levels_of_result

P = BaseParams()


def test_the_seed_breakout_levels(load_daily):
    """IWM's 2023-12-26 breakout: zone 198.75–201.99, close 204.10."""
    r = find_base(load_daily("IWM"), "2023-12-26")
    assert r.status == "breakout" and r.breakout_date == date(2023, 12, 26)
    assert r.breakout_close == pytest.approx(204.10)
    lv = levels_of_result(r)
    assert lv.line == pytest.approx(201.99 * 1.005)  # 203.00: the zone top plus its buffer
    assert (round(lv.line, 2), round(lv.buy_top, 2)) == (203.0, 213.15)
    assert lv.in_buy_range and not lv.extended
    # just under the zone's 198.75 bottom: less the 0.5 % buffer of the top
    assert round(lv.invalidation, 2) == 197.74 and lv.rule == "zone"
    assert round(lv.stop, 2) == round(204.10 * 0.92, 2)
    assert round(lv.risk_pct, 1) == -3.1
    assert lv.next_resistance == pytest.approx(r.major.resistance.level)


def test_line_is_where_the_finder_calls_a_breakout():
    lv = levels_of(99.0, 100.0, 100.0)
    assert not lv.fails(lv.floor) and lv.fails(lv.floor - 0.01)  # below the floor, strictly
    assert lv.buy_top == pytest.approx(lv.line * (1 + BUY_RANGE_PCT / 100))
    broke = levels_of(99.0, 100.0, 120.0, breakout_close=120.0)
    # 8 % under 120 (110.4) is above the zone's floor (98.5): the stop comes first, at or below it
    assert broke.rule == "stop" and broke.invalidation == pytest.approx(110.4)
    assert broke.fails(110.4) and not broke.fails(110.41)
    assert broke.extended  # 120 is past 100.5 * 1.05


@pytest.mark.parametrize("ticker", ["IWM", "QQQ", "SPY", "GLD", "TLT", "XLK"])
def test_invalidation_is_the_engines_failure_rule(load_daily, ticker):
    """For every breakout the engine announced since 2012, the first close within the window
    that the levels call a failure is the engine's failing close (none for a held breakout)."""
    daily = load_daily(ticker)
    closes = daily["Close"]
    checked = 0
    for o in breakout_history(ticker, daily, "2012-01-01"):
        if o.outcome == "pending":
            continue
        lv = levels_of(o.zone_low, o.zone_high, o.close, breakout_close=o.close)
        i = int(daily.index.searchsorted(pd.Timestamp(o.date)))
        window = closes.iloc[i + 1 : i + 1 + P.fade_window_days]
        failing = [d.date() for d, c in window.items() if lv.fails(float(c))]
        if o.outcome == "held":
            if failing:  # the finder no longer reads that base as broken out (it re-drew the base)
                r = find_base(daily, failing[0])
                assert not any(b is not None and b.breakout_date == o.date for b in (r, r.major)), (o.date, failing[0])
        else:
            assert failing and failing[0] == o.failed_date, (o.date, o.outcome, failing[:1], o.failed_date)
        checked += 1
    assert checked >= 5


def test_event_levels_anchor_the_stop_on_the_breakout_close(load_daily):
    from bot.analysis.events.replay import replay

    events = replay("IWM", load_daily("IWM"), "2023-12-01", "2024-01-31")
    breakout = next(e for e in events if e.kind == "breakout")
    failed = next(e for e in events if e.kind == "failed")
    assert levels_of_event(breakout).stop == pytest.approx(204.10 * 0.92)
    assert levels_of_event(failed).stop == pytest.approx(failed.breakout_close * 0.92)
    # the failed event names the line the close fell through: the levels' floor
    assert failed.back_inside and failed.level == pytest.approx(levels_of_event(failed).floor)
