"""find_base's rules at their edges (issue 25, part 3): each test sits on both sides of one
threshold of ``BaseParams``, with the numbers docs/algorithm.md states written out (not read
from the parameters), so moving the threshold by one step (a bar, a percent, a tenth of the
buffer) or deleting the rule fails it. Synthetic series: a rise into a ~90-100 rectangle
(five swings), ending at a top of the range, then the bars each test needs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bot.analysis.base import find_base


def frame(close: np.ndarray, seed: int = 1, wick: float = 0.004) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2020-01-06", periods=len(close), name="Date")
    op = np.r_[close[0], close[:-1]]
    hi = np.maximum(op, close) * (1 + wick * rng.random(len(close)))
    lo = np.minimum(op, close) * (1 - wick * rng.random(len(close)))
    return pd.DataFrame({"Open": op, "High": hi, "Low": lo, "Close": close, "Volume": np.full(len(close), 1e6)},
                        index=idx)


def rectangle(seed: int = 7) -> np.ndarray:
    """A 40-week rise 60 -> 95, then swings between ~90 and ~100 (period 50 days), ending at a top."""
    rng = np.random.default_rng(seed)
    rise = np.linspace(60, 95, 200) * (1 + 0.004 * rng.standard_normal(200))
    t = np.arange(250)
    swing = np.minimum((95 - 5 * np.cos(2 * np.pi * t / 50)) * (1 + 0.002 * rng.standard_normal(250)), 99.7)
    return np.r_[rise, swing][:-25]


BASE = rectangle()
J = len(BASE)  # the breakout bar of every story below


def story(*post) -> pd.DataFrame:
    return frame(np.r_[BASE, np.asarray(post, dtype=float)])


def day(df: pd.DataFrame, k: int):
    return df.index[k].date()


def test_the_base_the_stories_start_from():
    r = find_base(frame(BASE))
    assert r.status in ("testing", "in_base") and r.resistance.zone_high == pytest.approx(100.1, abs=0.5)
    assert r.resistance.zone_low > 94.0  # a close at 94 is back below the zone: a failure


@pytest.mark.parametrize("after, kind", [(10, "failed"), (11, "faded")])
def test_a_close_back_in_the_base_10_bars_after_the_breakout_failed_it_11_bars_after_faded_it(after, kind):
    """failure_window_days = 10: the close back below the zone exactly 10 bars after the breakout
    is a failure (the seed's false breakout), 11 bars after a late one (faded)."""
    df = story(103.0, *[104.0] * (after - 1), 94.0)
    r = find_base(df)
    assert (r.status, r.breakout_date, r.failed_date) == (kind, day(df, J), day(df, J + after))


@pytest.mark.parametrize("drop_pct, status", [(8.0, "failed"), (7.9, "breakout")])
def test_a_drop_of_8_percent_from_the_breakout_close_fails_it_while_price_is_still_above_the_zone(drop_pct, status):
    """failure_drop_pct = 8: a close 8 % under the breakout close fails the breakout even though
    it is still above the zone (no close back inside); 7.9 % does not."""
    breakout_close = 112.0
    low = breakout_close * (1 - drop_pct / 100.0)
    df = story(breakout_close, 112.5, 113.0, low)
    r = find_base(df)
    assert low > r.resistance.zone_high * 1.005  # still above the zone and its buffer
    assert (r.status, r.breakout_date) == (status, day(df, J))
    assert r.failed_date == (day(df, J + 3) if status == "failed" else None)


@pytest.mark.parametrize("after, status", [(19, "breakout"), (20, "no_base")])
def test_the_breakout_status_lasts_20_bars(after, status):
    """breakout_recent_days = 20: 19 bars after a breakout that holds its status is still
    "breakout"; 20 bars after, it is history."""
    df = story(103.0, *[104.0] * 25)
    assert find_base(df, day(df, J + after)).status == status


@pytest.mark.parametrize("after, status", [(19, "failed"), (20, "no_base")])
def test_the_failed_status_lasts_20_bars_after_the_failing_close(after, status):
    df = story(103.0, 104.0, 94.0, *[95.0] * 25)
    assert find_base(df, day(df, J + 2 + after)).status == status


@pytest.mark.parametrize("after, status, attempt", [(7, "failed", 1), (8, "breakout", 2)])
def test_a_failed_base_breaks_out_again_only_after_7_sessions(after, status, attempt):
    """rearm_after_days = 7: a close above the re-armed base's line 7 sessions after the failing
    close is no new breakout (no breakout -> failed -> breakout flip); 8 sessions after it is the
    second attempt."""
    df = story(103.0, 104.0, 94.0, *[97.0] * (after - 1), 110.0)
    r = find_base(df)
    assert (r.status, r.attempt) == (status, attempt)
    assert r.breakout_date == (day(df, J) if status == "failed" else day(df, J + 2 + after))


@pytest.mark.parametrize("factor, status", [(1 - 1e-4, "pressing"), (1 + 1e-4, "breakout")])
def test_the_breakout_line_is_half_a_percent_above_the_zone(factor, status):
    """buffer_pct = 0.5 %: a close a hair under zone top + 0.5 % is pressing, a hair over it
    breaks out (0.4 % or 0.6 % would move one of them)."""
    top = find_base(frame(BASE)).resistance.zone_high
    r = find_base(story(top * 1.005 * factor))
    assert r.resistance.zone_high == top and r.status == status
