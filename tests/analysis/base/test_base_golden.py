"""find_base on real data: the seed note's IWM/MDY bases (ranges from the data facts in
../shared/data/README.md, not outputs copied from a run)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bot.analysis.bars import atr, to_weekly, volume_ratio
from bot.analysis.base import chart_window, find_base
from bot.errors import NotEnoughData


def _near(d: date, target: str, days: int = 3) -> bool:
    return abs((d - date.fromisoformat(target)).days) <= days


def test_iwm_testing_200_for_the_fourth_time(load_daily):
    r = find_base(load_daily("IWM"), date(2023, 12, 15))
    assert r.status == "testing"  # 12-15 close 197.04 is inside the zone, below any buffer
    assert 196 <= r.resistance.level <= 204
    assert r.resistance.zone_low <= 200 <= r.resistance.zone_high + 1
    assert 158 <= r.support.level <= 166
    assert date(2022, 3, 1) <= r.start <= date(2022, 10, 31)
    assert len(r.tests) >= 3
    expected = ["2022-08-16", "2023-02-02", "2023-07-31"]
    for e in expected:
        assert any(_near(t.date, e) for t in r.tests), (e, r.tests)
    last = r.tests[-1]
    assert date(2023, 12, 1) <= last.date <= date(2023, 12, 15) and last.high >= 198
    assert all(t.date <= date(2023, 12, 15) for t in r.tests)
    assert 15 <= r.depth_pct <= 25  # (≈200 - ≈162) / ≈200
    assert r.base_type == "consolidation"
    assert r.distance_pct < 0  # close 197.04 below the level


def test_iwm_breaks_out_end_of_december(load_daily):
    r = find_base(load_daily("IWM"), date(2023, 12, 29))
    assert r.status == "breakout"
    # first close above ~202-203 was 2023-12-26 (204.10); 12-19's 200.93 is inside the zone
    assert date(2023, 12, 20) <= r.breakout_date <= date(2023, 12, 28)
    assert 196 <= r.resistance.level <= 204
    assert len(r.tests) >= 3


def test_iwm_breakout_failed_in_january(load_daily):
    # 2024-01-03 closed at 194.20, back below the 198.75 bottom of the zone within 10 days
    r = find_base(load_daily("IWM"), date(2024, 1, 26))
    assert r.status == "failed"
    assert date(2023, 12, 20) <= r.breakout_date <= date(2023, 12, 28)
    assert 196 <= r.resistance.level <= 206


def test_mdy_base_tops_near_500(load_daily):
    r = find_base(load_daily("MDY"), date(2023, 12, 13))
    assert r.has_base
    assert 490 <= r.resistance.level <= 510
    assert r.status in ("testing", "in_base")
    assert len(r.tests) >= 2


def test_iwm_daily_timeframe_is_sensible(load_daily):
    r = find_base(load_daily("IWM"), date(2023, 12, 15), timeframe="daily")
    assert r.timeframe == "daily"
    assert r.has_base and r.status == "testing"
    assert 196 <= r.resistance.level <= 204
    assert r.start >= date(2022, 12, 1)  # daily lookback is about one year
    assert r.support.level < r.resistance.level


def test_spy_at_all_time_high_is_not_inside_a_base(load_daily):
    daily = load_daily("SPY")
    closes = daily["Close"]
    at_record = closes >= closes.cummax()  # records of the whole file, not of 2019 on
    aths = closes[at_record].loc["2019":"2025"].index[::10]
    assert len(aths) > 10
    for ts in aths:
        r = find_base(daily, ts.date())
        # a close at a record sits at or above every base's resistance: never "inside" one
        # ("pressing": above the zone, inside the breakout buffer)
        assert r.status in ("no_base", "breakout", "testing", "pressing"), (ts, r.to_dict())
        if r.status == "pressing":
            assert r.resistance.zone_high < r.last_close <= r.resistance.zone_high * 1.005
        if r.has_base:
            assert r.last_close >= r.support.zone_high
            assert r.last_close >= r.resistance.zone_low * 0.99, (ts, r.to_dict())


def test_steady_downtrend_gives_no_base(load_daily):
    # TLT fell from ~150 (2020) to ~83 (2023-10): new lows all along
    r = find_base(load_daily("TLT"), date(2022, 10, 21))
    assert r.status == "no_base" or r.depth_pct > 35


def test_chart_window_contains_base_and_tests(load_daily):
    daily = load_daily("IWM")
    r = find_base(daily, date(2023, 12, 15))
    w = chart_window(daily, r, "weekly")
    assert 60 <= len(w) <= 130
    assert {"Open", "High", "Low", "Close", "Volume", "HighDate"} <= set(w.columns)
    lo, hi = w.index[0].date(), w.index[-1].date()
    assert lo < r.start and hi == date(2023, 12, 15)
    for t in r.tests:
        assert lo <= t.date <= hi
        row = w[w["HighDate"] == pd.Timestamp(t.date)]
        assert len(row) == 1 and row["High"].iloc[0] == pytest.approx(t.high)
    rd = find_base(daily, date(2023, 12, 15), timeframe="daily")
    wd = chart_window(daily, rd, "daily")
    assert 120 <= len(wd) <= 260
    assert all(wd.index[0].date() <= t.date <= wd.index[-1].date() for t in rd.tests)


def test_weekly_bars_keep_day_of_high_and_low(load_daily):
    w = to_weekly(load_daily("IWM"), date(2023, 12, 14))  # a Thursday: partial last week
    last = w.iloc[-1]
    assert w.index[-1] == pd.Timestamp("2023-12-14")
    assert last["High"] == pytest.approx(200.04) and last["HighDate"] == pd.Timestamp("2023-12-14")
    aug = w.loc["2022-08-19"]
    assert aug["High"] == pytest.approx(201.99) and aug["HighDate"] == pd.Timestamp("2022-08-16")
    oct_ = w.loc["2023-10-27"]
    assert oct_["Low"] == pytest.approx(161.67) and oct_["LowDate"] == pd.Timestamp("2023-10-27")


def test_atr_and_volume_ratio_definitions(load_daily):
    d = load_daily("IWM").loc["2023"]
    a = atr(d, 14)
    tr = pd.concat(
        [d["High"] - d["Low"], (d["High"] - d["Close"].shift()).abs(), (d["Low"] - d["Close"].shift()).abs()], axis=1
    ).max(axis=1)
    tr.iloc[0] = d["High"].iloc[0] - d["Low"].iloc[0]
    expect = tr.iloc[:14].mean()
    for x in tr.iloc[14:20]:
        expect = expect + (x - expect) / 14
    assert a.iloc[19] == pytest.approx(expect)
    vr = volume_ratio(d, 50)
    assert vr.iloc[50] == pytest.approx(d["Volume"].iloc[50] / d["Volume"].iloc[:50].mean())
    assert vr.iloc[:50].isna().all()


def test_short_history_raises_not_enough_data(load_daily):
    d = load_daily("IWM").loc["2023-10-01":"2023-12-15"]
    with pytest.raises(NotEnoughData):
        find_base(d)
    with pytest.raises(NotEnoughData):
        find_base(load_daily("IWM"), date(2000, 6, 30))
