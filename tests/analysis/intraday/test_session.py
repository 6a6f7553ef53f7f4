"""The watch over real days (synthetic 5-minute sessions from the real daily bars): IWM crosses
203.00 on 2023-12-26 and the close confirms it; on 2024-07-12 it pokes through 213.31 and closes
back inside: withdrawn; a half day; rounds without data are skipped quietly."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from bot.analysis.base.finder import find_base
from bot.analysis.intraday.quotes import UP
from bot.analysis.intraday.session import round_times, watch_session
from bot.analysis.intraday.synthetic import synthetic_session
from bot.analysis.intraday.targets import target_of
from bot.market.calendar import NEW_YORK, xnys


def _day(daily: pd.DataFrame, ticker: str, day: str):
    cal = xnys()
    ts = pd.Timestamp(day)
    prev = cal.previous_session(ts).date()
    target = target_of(ticker, find_base(daily, prev))
    start, end = cal.session_open(ts).tz_convert(NEW_YORK), cal.session_close(ts).tz_convert(NEW_YORK)
    row = daily.loc[day]
    bars = synthetic_session(ts, row.Open, row.High, row.Low, row.Close, row.Volume, start, end)
    return target, bars, start, end


def test_iwm_2023_12_26_crosses_203_and_is_confirmed(load_daily):
    daily = load_daily("IWM")
    target, bars, start, end = _day(daily, "IWM", "2023-12-26")
    assert target.direction == UP and target.status == "testing"
    assert target.line == pytest.approx(203.00, abs=0.005) and target.watched
    usual = float(daily.loc[:"2023-12-22", "Volume"].tail(20).mean())
    w = watch_session("IWM", bars, target.line, target.direction, target.prev_close, start, end,
                      usual_volume=usual)
    c = w.crossing
    assert c is not None and c.price > 203.00 and c.session == date(2023, 12, 26)
    assert start < c.quote_at <= c.round_at < end
    before = bars[bars.index + pd.Timedelta(minutes=5) < c.quote_at]
    assert len(before) and before["Close"].max() <= target.line  # the first one
    assert c.pace is not None and c.pace > 0
    assert w.settlement.outcome == "confirmed" and w.settlement.close == 204.10
    assert find_base(daily, date(2023, 12, 26)).status == "breakout"  # the engine agrees at the close


def test_iwm_2024_07_12_pokes_through_and_is_withdrawn(load_daily):
    daily = load_daily("IWM")
    target, bars, start, end = _day(daily, "IWM", "2024-07-12")
    assert target.direction == UP and target.line == pytest.approx(213.31, abs=0.01)
    w = watch_session("IWM", bars, target.line, target.direction, target.prev_close, start, end)
    assert w.crossing is not None and w.crossing.price > target.line
    assert w.settlement.outcome == "withdrawn" and w.settlement.close == 213.14
    assert find_base(daily, date(2024, 7, 12)).status != "breakout"


def test_half_day(load_daily):
    daily = load_daily("IWM")
    target, bars, start, end = _day(daily, "IWM", "2023-11-24")
    assert end.hour == 13 and len(round_times(start, end)) == 42
    row = daily.loc["2023-11-24"]
    # a line just under the day's high: crossed before 13:00 and settled by the 13:00 close
    line = row.High - 0.01
    w = watch_session("IWM", bars, line, UP, float(daily.loc[:"2023-11-22", "Close"].iloc[-1]), start, end)
    assert w.rounds == 42 and w.crossing is not None and w.crossing.round_at <= end
    assert w.settlement.close == row.Close
    assert w.settlement.outcome == ("confirmed" if row.Close > line else "withdrawn")


def test_no_data_and_a_halt_are_skipped_without_a_crossing(load_daily):
    daily = load_daily("IWM")
    target, bars, start, end = _day(daily, "IWM", "2023-12-26")
    empty = bars.iloc[0:0]
    w = watch_session("IWM", empty, target.line, UP, target.prev_close, start, end)
    assert w.crossing is None and w.settlement is None and w.skipped == {"missing": w.rounds}
    # halted from 10:00: the last quote goes stale 20 minutes later and no crossing is made of it
    halted = bars.loc[:start + pd.Timedelta(minutes=25)]
    h = watch_session("IWM", halted, 150.0, UP, target.prev_close, start, end)
    assert h.crossing is not None and h.crossing.quote_at <= start + pd.Timedelta(minutes=30)
    h2 = watch_session("IWM", halted, target.line, UP, target.prev_close, start, end)
    assert h2.crossing is None and h2.skipped["stale"] > 0


def test_a_bad_tick_is_ignored(load_daily):
    daily = load_daily("IWM")
    target, bars, start, end = _day(daily, "IWM", "2023-12-22")  # high 202.81: never above 203.00
    bad = bars.copy()
    bad.iloc[10, bad.columns.get_loc("Close")] = 2028.1  # a misplaced decimal point
    w = watch_session("IWM", bad, target.line, UP, target.prev_close, start, end)
    assert w.crossing is None and w.skipped == {"implausible": 1}
    plain = watch_session("IWM", bars, target.line, UP, target.prev_close, start, end)
    assert plain.crossing is None and not plain.skipped


def test_rounds_never_faster_than_a_minute():
    start = pd.Timestamp("2024-03-04 09:30", tz=NEW_YORK)
    with pytest.raises(ValueError):
        round_times(start, start + pd.Timedelta(hours=1), 0)
    assert len(round_times(start, start + pd.Timedelta(hours=6, minutes=30), 1)) == 390
    assert set(np.diff(round_times(start, start + pd.Timedelta(hours=1), 10))) == {pd.Timedelta(minutes=10)}


def test_a_close_past_the_line_that_the_daily_rules_do_not_count_is_withdrawn(load_daily):
    """IWM 2024-08-19 closes at 215.20, above 213.31, but the base's July breakout had already
    faded: the daily scan announces no breakout, so the crossing is withdrawn, not confirmed."""
    from bot.analysis.intraday.targets import verdict_at_close

    daily = load_daily("IWM")
    target, bars, start, end = _day(daily, "IWM", "2024-08-19")
    verdict = verdict_at_close(target, find_base(daily, date(2024, 8, 19)), date(2024, 8, 19))
    assert verdict is False
    w = watch_session("IWM", bars, target.line, target.direction, target.prev_close, start, end, verdict=verdict)
    assert w.crossing is not None and w.settlement.close == 215.20 > target.line
    assert (w.settlement.outcome, w.settlement.reason) == ("withdrawn", "not_counted")
    # and on the seed's day the daily rules count it
    t26, b26, s26, e26 = _day(daily, "IWM", "2023-12-26")
    assert verdict_at_close(t26, find_base(daily, date(2023, 12, 26)), date(2023, 12, 26)) is True
