"""The quote rules (missing, stale, implausible) and the vectorised check, equal to the plain one."""

from __future__ import annotations

import numpy as np

from bot.analysis.intraday.quotes import (
    DOWN,
    IMPLAUSIBLE,
    MISSING,
    OK,
    STALE,
    UP,
    crossings,
    crossings_plain,
    near,
    quote_status,
)

NOW = 1_700_000_000.0


def test_each_bad_quote_is_named():
    price = np.array([100.0, np.nan, 100.0, 130.0, 0.0, 100.0, 100.0])
    qtime = np.array([NOW - 60, NOW, NOW - 21 * 60, NOW, NOW, np.nan, NOW - 20 * 60])
    prev = np.full(7, 101.0)
    assert quote_status(price, qtime, NOW, prev).tolist() == [OK, MISSING, STALE, IMPLAUSIBLE, MISSING, MISSING, OK]


def test_crossing_directions_and_edges():
    price = np.array([203.01, 203.00, 190.0, 189.99, 204.0])
    line = np.array([203.00, 203.00, 190.0, 190.0, 203.0])
    direction = np.array([UP, UP, DOWN, DOWN, UP])
    status = np.array([OK, OK, OK, OK, STALE])
    assert crossings(price, line, direction, status).tolist() == [True, False, False, True, False]


def test_vectorised_equals_plain_on_random_quotes():
    rng = np.random.default_rng(7)
    n = 5000
    line = rng.uniform(5, 500, n)
    price = line * rng.uniform(0.9, 1.1, n)
    price[rng.integers(0, n, 50)] = np.nan
    price[:3] = line[:3]  # exactly at the line: not past it
    direction = rng.choice([UP, DOWN], n)
    qtime = NOW - rng.uniform(0, 30 * 60, n)
    status = quote_status(price, qtime, NOW, line * rng.uniform(0.7, 1.3, n))
    fast = crossings(price, line, direction, status)
    assert fast.tolist() == crossings_plain(price, line, direction, status)
    assert 0 < fast.sum() < n


def test_near_is_within_3_percent_of_the_line():
    price = np.array([97.0, 96.9, 104.0, 103.0, 103.1])
    line = np.array([100.0, 100.0, 100.0, 100.0, 100.0])
    direction = np.array([UP, UP, UP, DOWN, DOWN])
    assert near(price, line, direction).tolist() == [True, False, True, True, False]


def test_last_quotes_per_column():
    import pandas as pd

    from bot.analysis.intraday.quotes import last_quotes

    idx = pd.date_range("2024-03-04 14:30", periods=3, freq="5min", tz="UTC")
    frame = pd.DataFrame({"A": [1.0, 2.0, np.nan], "B": [np.nan, np.nan, np.nan], "C": [5.0, 6.0, 7.0]}, index=idx)
    price, when = last_quotes(frame)
    assert price[0] == 2.0 and np.isnan(price[1]) and price[2] == 7.0
    assert when[0] == idx[1].timestamp() and np.isnan(when[1]) and when[2] == idx[2].timestamp()
    p0, t0 = last_quotes(frame.iloc[0:0])
    assert np.isnan(p0).all() and np.isnan(t0).all() and len(p0) == 3
