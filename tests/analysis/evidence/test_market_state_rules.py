"""Synthetic edges of the market-state rules: each test fails if its threshold (0.2 %, 1.25 %,
day 4, 25 sessions, 5 % rally, 5 / 6 distribution days) moves one step."""

import numpy as np
import pandas as pd
import pytest

from bot.analysis.evidence import market_state, market_tape

BASE_VOL = 1_000_000.0


def _frame(closes, volumes, lows=None) -> pd.DataFrame:
    c = np.asarray(closes, dtype=float)
    low = c * 0.999 if lows is None else np.asarray(lows, dtype=float)
    idx = pd.bdate_range("2021-01-04", periods=len(c))
    return pd.DataFrame({"Open": c, "High": c * 1.001, "Low": low, "Close": c, "Volume": np.asarray(volumes, float)}, index=idx)


def _flat(n=60):
    """n quiet sessions: a rising close (no down days) on falling volume."""
    closes = list(100.0 + 0.01 * np.arange(n))
    vols = list(BASE_VOL * (1 - 0.001 * np.arange(n)))
    return closes, vols


def _with_down_day(change: float, higher_volume: bool = True, tail: int = 0):
    closes, vols = _flat()
    closes.append(closes[-1] * (1 + change))
    vols.append(vols[-1] * (1.5 if higher_volume else 1.0))
    for _ in range(tail):  # quiet sessions after it: tiny up closes, falling volume
        closes.append(closes[-1] * 1.0001)
        vols.append(vols[-1] * 0.99)
    return _frame(closes, vols)


def test_a_distribution_day_is_down_0_2_percent_on_higher_volume():
    assert market_state(_with_down_day(-0.002)).distribution_days != ()
    assert market_state(_with_down_day(-0.0019)).distribution_days == ()
    assert market_state(_with_down_day(-0.01, higher_volume=False)).distribution_days == ()


def test_distribution_days_count_over_25_sessions():
    assert len(market_state(_with_down_day(-0.005, tail=24)).distribution_days) == 1  # 25th session, today included
    assert market_state(_with_down_day(-0.005, tail=25)).distribution_days == ()


def _with_rally(gain: float):
    df = _with_down_day(-0.005)
    closes, vols = list(df["Close"]), list(df["Volume"])
    d_close = closes[-1]
    closes += [d_close * (1 + gain / 2), d_close * (1 + gain)]
    vols += [vols[-1] * 0.9, vols[-1] * 0.8]
    return _frame(closes, vols)


def test_a_5_percent_rally_takes_a_distribution_day_off_the_count():
    assert len(market_state(_with_rally(0.049)).distribution_days) == 1
    assert market_state(_with_rally(0.05)).distribution_days == ()


def _with_down_days(k: int):
    """k distribution days, each down 0.3 % on higher volume and followed by a +0.31 % day on
    lower volume (the close never falls far, stays above its 50-day average)."""
    closes, vols = _flat()
    for _ in range(k):
        closes.append(closes[-1] * 0.997)
        vols.append(vols[-1] * 1.2)
        closes.append(closes[-1] * 1.0031)
        vols.append(vols[-1] * 0.8)
    return _frame(closes, vols)


def test_five_distribution_days_put_the_uptrend_under_pressure():
    assert market_state(_with_down_days(4)).state == "uptrend"
    st = market_state(_with_down_days(5))
    assert st.state == "under_pressure" and len(st.distribution_days) == 5


def _one_more_below_the_average(df: pd.DataFrame) -> pd.DataFrame:
    closes, vols = list(df["Close"]), list(df["Volume"])
    closes.append(closes[-1] * 0.996)  # one more distribution day, below the 50-day average
    vols.append(vols[-1] * 1.2)
    out = _frame(closes, vols)
    assert out["Close"].iloc[-1] < out["Close"].iloc[-50:].mean()
    return out


def test_six_distribution_days_below_the_50_day_make_a_correction():
    assert market_state(_with_down_days(6)).state == "under_pressure"  # above its 50-day: only under pressure
    assert market_state(_one_more_below_the_average(_with_down_days(4))).state == "under_pressure"  # five
    st = market_state(_one_more_below_the_average(_with_down_days(5)))
    assert st.state == "correction" and len(st.distribution_days) == 6


def _correction_then(days: list[tuple[float, float]]):
    """A 12 % slide into a correction, then ``days`` as (change, volume factor) from its low."""
    closes, vols = _flat()
    for _ in range(4):
        closes.append(closes[-1] * 0.968)
        vols.append(vols[-1] * 0.95)  # lower volume: no distribution days
    for change, factor in days:
        closes.append(closes[-1] * (1 + change))
        vols.append(vols[-1] * factor)
    return _frame(closes, vols)


QUIET_UP = (0.001, 0.9)


def test_a_12_percent_slide_is_a_correction():
    st = market_state(_correction_then([]))
    assert st.state == "correction" and st.rally_day is None
    assert market_state(_correction_then([QUIET_UP])).rally_day == 1


@pytest.mark.parametrize(("day", "gain", "higher", "follows"), [
    (4, 0.0125, True, True),
    (4, 0.0124, True, False),
    (4, 0.02, False, False),
    (3, 0.02, True, False),
    (5, 0.0125, True, True),
])
def test_a_follow_through_is_day_4_or_later_up_1_25_percent_on_higher_volume(day, gain, higher, follows):
    days = [QUIET_UP] * (day - 1) + [(gain, 1.1 if higher else 0.9)]
    df = _correction_then(days)
    st = market_state(df)
    assert (st.state != "correction") is follows
    assert (st.follow_through == df.index[-1].date()) is follows
    assert bool(market_tape(df)["follow_through"].iloc[-1]) is follows


def test_a_new_low_restarts_the_rally_attempt():
    # three up days, a new low (down 1 %), then the big day is only day 1... 4 of the new attempt
    days = [QUIET_UP] * 3 + [(-0.01, 0.9)] + [QUIET_UP] * 2
    assert market_state(_correction_then(days)).rally_day == 2
    assert market_state(_correction_then(days + [(0.02, 1.2)])).state == "correction"  # day 3
    assert market_state(_correction_then(days + [QUIET_UP, (0.02, 1.2)])).state == "uptrend"  # day 4


def test_a_close_below_the_low_the_follow_through_ended_is_a_correction_again():
    days = [QUIET_UP] * 3 + [(0.02, 1.2)]
    df = _correction_then(days)
    assert market_state(df).state == "uptrend"
    low = float(df["Low"].iloc[:-4].min())
    closes, vols = list(df["Close"]), list(df["Volume"])
    closes.append(low * 1.001)
    vols.append(vols[-1] * 0.5)
    assert market_state(_frame(closes, vols)).state == "uptrend"
    closes[-1] = low * 0.999
    assert market_state(_frame(closes, vols)).state == "correction"
