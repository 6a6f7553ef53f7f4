"""find_base on synthetic series with known structure (seeded RNG, built here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bot.analysis.base import BaseParams, find_base

START = "2020-01-06"  # a Monday


def _frame(close: np.ndarray, rng: np.random.Generator, wick: float = 0.004) -> pd.DataFrame:
    idx = pd.bdate_range(START, periods=len(close), name="Date")
    op = np.r_[close[0], close[:-1]]
    hi = np.maximum(op, close) * (1 + wick * rng.random(len(close)))
    lo = np.minimum(op, close) * (1 - wick * rng.random(len(close)))
    vol = rng.integers(1_000_000, 2_000_000, len(close)).astype(float)
    return pd.DataFrame({"Open": op, "High": hi, "Low": lo, "Close": close, "Volume": vol}, index=idx)


def _rectangle(seed: int = 7, cycles: int = 5, period: int = 50) -> tuple[np.ndarray, int]:
    """A 40-week rise 60 -> 95, then `cycles` swings between ~90 and ~100 (period in days)."""
    rng = np.random.default_rng(seed)
    rise = np.linspace(60, 95, 200) * (1 + 0.004 * rng.standard_normal(200))
    t = np.arange(cycles * period)
    swing = 95 - 5 * np.cos(2 * np.pi * t / period)  # starts at 90, tops at 100
    swing = swing * (1 + 0.002 * rng.standard_normal(len(t)))
    swing = np.minimum(swing, 99.7)
    return np.r_[rise, swing], len(rise)


def test_rectangle_levels_and_tests():
    rng = np.random.default_rng(1)
    close, rise_len = _rectangle()
    close = close[:-10]  # end near a trough: inside the base
    r = find_base(_frame(close, rng))
    assert r.status in ("in_base", "testing")
    assert r.resistance.level == pytest.approx(100, abs=1.5)
    assert r.support.level == pytest.approx(90, abs=1.5)
    assert 8 <= r.depth_pct <= 13
    assert r.base_type == "flat"
    # five tops at 100 (the 1st one is the end of the rise): each one a distinct test
    assert 4 <= len(r.tests) <= 5
    gaps = np.diff([t.date.toordinal() for t in r.tests])
    assert (gaps >= 40).all()  # a test per swing, never two for one swing
    assert all(t.high >= 98.5 for t in r.tests)


def test_rectangle_daily_timeframe():
    rng = np.random.default_rng(2)
    close, _ = _rectangle(seed=3)
    r = find_base(_frame(close[:-10], rng), timeframe="daily")
    assert r.has_base
    assert r.resistance.level == pytest.approx(100, abs=1.5)
    assert r.support.level == pytest.approx(90, abs=1.5)
    assert len(r.tests) >= 3


def test_steady_uptrend_has_no_base():
    rng = np.random.default_rng(11)
    n = 750
    close = 50 * np.exp(np.cumsum(0.0012 + 0.004 * rng.standard_normal(n)))
    df = _frame(close, rng)
    for tf in ("weekly", "daily"):
        assert find_base(df, timeframe=tf).status == "no_base"


def _strong_base_rate(params: BaseParams | None, n: int = 60) -> float:
    strong = 0
    for seed in range(n):
        rng = np.random.default_rng(100 + seed)
        close = 100 * np.exp(np.cumsum(0.012 * rng.standard_normal(750)))  # ~19%/yr, no drift
        r = find_base(_frame(close, rng), params=params)
        current = r.status in ("in_base", "testing", "pressing")  # a base price is in now
        strong += current and len(r.tests) >= 3 and r.depth_pct <= 35
    return strong / n


def test_random_walk_rarely_gives_a_strong_base():
    """Decision: pure noise may show a base. A driftless walk does revisit old highs, so over
    three years it often *is* range-bound, and reporting that range is honest. What must be
    rare is a *strong* base (>= 3 distinct tests, <= 35% deep) that price is in now (bases
    found since 2026-11 also report a recent breakout of one: those are counted by the
    signal benchmark, not here), because tests need a real
    pullback between them and weeks apart. We require that for at most 30% of noise series,
    and that dropping those two rules (every wiggle a test) raises the rate by >= 20 points,
    so the rules, not luck, keep noise quiet."""
    default = _strong_base_rate(None)
    wiggles = _strong_base_rate(BaseParams(pullback_atr_weekly=0.0, min_test_gap_weekly=1))
    assert default <= 0.30
    assert wiggles >= default + 0.20


def test_breakout_above_rectangle():
    rng = np.random.default_rng(4)
    close, _ = _rectangle()
    close = close[:-25]  # end at a top of the range
    post = np.linspace(close[-1], 108, 6)[1:]
    df = _frame(np.r_[close, post], rng)
    r = find_base(df)
    assert r.status == "breakout"
    first_above = df.index[len(close) :][df["Close"].iloc[len(close) :].to_numpy() > r.resistance.zone_high * 1.005][0]
    assert r.breakout_date == first_above.date()
    assert r.resistance.level == pytest.approx(100, abs=1.5)
    # as of the day before the breakout it was still a base
    before = find_base(df, df.index[len(close) - 1].date())
    assert before.status in ("testing", "in_base")


def test_failed_breakout_back_inside():
    rng = np.random.default_rng(5)
    close, _ = _rectangle()
    close = close[:-25]
    post = np.r_[102.5, 103.0, 101.0, 97.0, 94.0, 93.0]
    df = _frame(np.r_[close, post], rng)
    r = find_base(df)
    assert r.status == "failed"
    assert r.breakout_date == df.index[len(close)].date()
    assert r.resistance.level == pytest.approx(100, abs=1.5)
    # a dip into the zone only (a retest) is not a failure
    post2 = np.r_[102.5, 103.0, 101.0, 99.8, 100.5, 102.0]
    r2 = find_base(_frame(np.r_[close, post2], np.random.default_rng(5)))
    assert r2.status == "breakout"
