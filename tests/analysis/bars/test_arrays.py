"""Bar arrays: day numbers in every datetime unit, and the weekly bars with or without open and
volume (find_base reads neither)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bot.analysis.bars import daily_arrays, day_numbers, last_date, to_weekly, weekly_arrays


@pytest.mark.parametrize("unit", ["ns", "us", "ms", "s"])
@pytest.mark.parametrize("hours", [0, 13])
def test_day_numbers_agree_with_numpy_days_in_every_unit(unit, hours):
    index = pd.DatetimeIndex(pd.date_range("1965-03-01", "2031-12-31", freq="D").astype(f"datetime64[{unit}]"))
    index = index + pd.Timedelta(hours=hours)  # a time of day never moves the day, before 1970 too
    expected = index.values.astype("datetime64[D]").astype(np.int64)
    assert np.array_equal(day_numbers(index), expected)
    assert day_numbers(pd.DatetimeIndex(["1970-01-02"]))[0] == 1


def _frame() -> pd.DataFrame:
    days = pd.bdate_range("2024-01-01", "2024-03-29")
    rng = np.random.default_rng(7)
    close = 100 + rng.normal(0, 1, len(days)).cumsum()
    return pd.DataFrame(
        {"Open": close - 0.3, "High": close + 1, "Low": close - 1, "Close": close, "Volume": rng.integers(1, 9, len(days))},
        index=pd.DatetimeIndex(days, name="Date"),
    )


def test_daily_arrays_slice_the_columns_and_leave_out_open_and_volume_when_asked():
    df = _frame()
    full = daily_arrays(df)
    part = daily_arrays(df, 5, 20, open_volume=False)
    assert part.open is None and part.volume is None
    assert np.array_equal(part.close, full.close[5:20]) and np.array_equal(part.day, full.day[5:20])
    assert np.array_equal(part.high, df["High"].to_numpy()[5:20])


def test_weekly_bars_are_the_same_with_or_without_open_and_volume():
    d = daily_arrays(_frame())
    with_all, group = weekly_arrays(d.day, d.open, d.high, d.low, d.close, d.volume)
    bare, group2 = weekly_arrays(d.day, None, d.high, d.low, d.close, None)
    assert bare.open is None and bare.volume is None
    assert np.array_equal(group, group2)
    for field in ("day", "high", "low", "close", "hi_day", "lo_day", "cmax"):
        assert np.array_equal(getattr(bare, field), getattr(with_all, field)), field
    weekly = to_weekly(_frame())
    assert np.array_equal(weekly["Volume"].to_numpy(), with_all.volume)
    assert len(weekly) == 13  # W-FRI weeks of the first quarter of 2024


def test_cut_is_the_arrays_of_the_span_and_daily_arrays_stay_daily():
    df = _frame()
    whole = daily_arrays(df)
    part = whole.cut(5, 40)
    expected = daily_arrays(df, 5, 40)
    for f in ("day", "open", "high", "low", "close", "volume", "hi_day", "lo_day", "cmax"):
        assert np.array_equal(getattr(part, f), getattr(expected, f)), f
    assert part.hi_day is part.day and part.lo_day is part.day and part.cmax is part.close
    assert np.shares_memory(part.close, whole.close)  # views, not copies
    w, _ = weekly_arrays(whole.day, whole.open, whole.high, whole.low, whole.close, whole.volume)
    wk = w.cut(2, 9)
    assert np.array_equal(wk.hi_day, w.hi_day[2:9]) and np.array_equal(wk.cmax, w.cmax[2:9])
    assert wk.hi_day is not wk.day
    lean = daily_arrays(df, open_volume=False).cut(1, 3)
    assert lean.open is None and lean.volume is None


@pytest.mark.parametrize("unit", ["ns", "us", "s"])
def test_last_date_is_the_date_of_the_last_bar(unit):
    df = _frame()
    df.index = pd.DatetimeIndex(df.index.values.astype(f"datetime64[{unit}]") + np.timedelta64(16, "h"), name="Date")
    assert last_date(df) == df.index[-1].date() == pd.Timestamp("2024-03-29").date()
    assert last_date(df.iloc[:1]) == df.index[0].date()
