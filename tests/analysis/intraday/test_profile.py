"""The volume profiles and the pace: a U shape, never a straight line; the ticker's own when known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bot.analysis.intraday.profile import own_profile, pace, u_profile, u_weights


def test_u_shape_puts_most_volume_in_the_first_and_last_hour():
    w = u_weights(78)
    assert w.sum() == pytest.approx(1.0)
    first, last, middle = w[:12].sum(), w[-12:].sum(), w[12:-12].sum()
    assert first + last > 0.5 > middle
    assert w[0] > 4 * w[39] and w[-1] > 4 * w[39]  # never a straight line
    assert u_profile(78)[-1] == pytest.approx(1.0)
    assert u_profile(78)[38] == pytest.approx(0.5, abs=0.02)


def _bars(days: int, slots: int, weights: np.ndarray) -> pd.DataFrame:
    frames = []
    for d in pd.bdate_range("2024-01-02", periods=days):
        idx = pd.date_range(d + pd.Timedelta(hours=9, minutes=30), periods=slots, freq="5min")
        frames.append(pd.DataFrame({"Volume": weights * 1000}, index=idx))
    return pd.concat(frames)


def test_own_profile_needs_20_full_sessions_and_reads_them():
    heavy_open = np.r_[np.full(6, 10.0), np.ones(72)]
    assert own_profile(_bars(19, 78, heavy_open)) is None
    prof = own_profile(_bars(20, 78, heavy_open))
    assert prof is not None and prof[-1] == pytest.approx(1.0)
    assert prof[5] == pytest.approx(60 / 132)


def test_pace_against_the_profile():
    prof = u_profile(78)
    # an hour in, with exactly the usual volume by then: pace 1
    usual = prof[11] * 1_000_000
    assert pace(usual, prof, 60, 1_000_000) == pytest.approx(1.0)
    assert pace(2 * usual, prof, 60, 1_000_000) == pytest.approx(2.0)
    # a straight line would have said 60/390 of the day by then: the U says more
    assert prof[11] > 60 / 390
    assert pace(100, prof, 3, 1_000_000) is None  # before the first bar ended
