"""The synthetic 5-minute sessions respect each real day's open, high, low, close and volume."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bot.analysis.intraday.synthetic import synthetic_session
from bot.market.calendar import NEW_YORK, xnys


def _session(day: str):
    cal = xnys()
    ts = pd.Timestamp(day)
    return cal.session_open(ts).tz_convert(NEW_YORK), cal.session_close(ts).tz_convert(NEW_YORK)


def _check(bars: pd.DataFrame, o, h, lo, c, v) -> None:
    assert bars["Open"].iloc[0] == o
    assert bars["Close"].iloc[-1] == c
    assert bars["High"].max() == pytest.approx(h) and bars["Low"].min() == pytest.approx(lo)
    assert (bars["High"] <= h + 1e-9).all() and (bars["Low"] >= lo - 1e-9).all()
    assert (bars["High"] >= bars[["Open", "Close"]].max(axis=1) - 1e-9).all()
    assert (bars["Low"] <= bars[["Open", "Close"]].min(axis=1) + 1e-9).all()
    assert (bars["Open"].iloc[1:].to_numpy() == bars["Close"].iloc[:-1].to_numpy()).all()
    assert bars["Volume"].sum() == v and (bars["Volume"] >= 0).all()
    # the extremes are reached at a bar's close, so a watch reading last prices sees them
    assert h in bars["Close"].to_numpy() or h == o
    assert lo in bars["Close"].to_numpy() or lo == o


def test_every_day_of_a_real_year_is_respected(load_daily):
    daily = load_daily("IWM").loc["2023-01-01":"2023-12-31"]
    for day, row in daily.iterrows():
        start, end = _session(day)
        bars = synthetic_session(day, row.Open, row.High, row.Low, row.Close, row.Volume, start, end)
        assert len(bars) == (78 if end.hour == 16 else 42), day
        assert bars.index[0] == start and bars.index[-1] + pd.Timedelta(minutes=5) == end
        _check(bars, row.Open, row.High, row.Low, row.Close, row.Volume)


def test_deterministic_and_day_dependent(load_daily):
    daily = load_daily("IWM")
    row = daily.loc["2023-12-26"]
    start, end = _session("2023-12-26")
    a = synthetic_session(row.name, row.Open, row.High, row.Low, row.Close, row.Volume, start, end)
    b = synthetic_session(row.name, row.Open, row.High, row.Low, row.Close, row.Volume, start, end)
    pd.testing.assert_frame_equal(a, b)
    other = daily.loc["2023-12-27"]
    c = synthetic_session(row.name, other.Open, other.High, other.Low, other.Close, other.Volume, start, end)
    assert not np.allclose(a["Close"].to_numpy(), c["Close"].to_numpy())


def test_half_day_has_42_bars_to_1pm():
    start, end = _session("2023-11-24")  # the day after Thanksgiving: NYSE closes at 13:00
    assert end.hour == 13
    bars = synthetic_session(pd.Timestamp("2023-11-24"), 10.0, 10.5, 9.8, 10.2, 1_000_000, start, end)
    assert len(bars) == 42
    _check(bars, 10.0, 10.5, 9.8, 10.2, 1_000_000)


def test_down_day_and_flat_day():
    start, end = _session("2024-03-04")
    down = synthetic_session(pd.Timestamp("2024-03-04"), 50.0, 50.4, 47.0, 47.5, 12345, start, end)
    _check(down, 50.0, 50.4, 47.0, 47.5, 12345)
    assert down["High"].idxmax() < down["Low"].idxmin()  # a down day makes its high first
    flat = synthetic_session(pd.Timestamp("2024-03-04"), 20.0, 20.0, 20.0, 20.0, 0, start, end)
    assert (flat[["Open", "High", "Low", "Close"]] == 20.0).all().all() and flat["Volume"].sum() == 0
