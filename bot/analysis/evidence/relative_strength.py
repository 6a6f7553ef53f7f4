"""Relative strength against a benchmark (SPY): the RS line's 52-week high and an RS rank.

RS line
    ``close / bench_close`` on the dates both series have (an inner join; a day one of them
    lacks is skipped, never filled).

At a 52-week high
    Today's RS value >= the largest RS value of the last 252 common sessions, today included
    (``rs[t] >= max(rs[t-251..t])``). With fewer than 252 common sessions there is no answer
    (None / NA): the data does not support one.

RS score (IBD-style weighted 12-month performance)
    With ``c[t]`` the close and one quarter = 63 sessions, the four quarter returns are
    ``q1 = c[t]/c[t-63] - 1``, ``q2 = c[t-63]/c[t-126] - 1``, ``q3 = c[t-126]/c[t-189] - 1``,
    ``q4 = c[t-189]/c[t-252] - 1`` (each quarter's own return, not cumulative), and
    ``score = 0.4*q1 + 0.2*q2 + 0.2*q3 + 0.2*q4``. It needs 253 closes (None otherwise).

RS rank
    The percentile of a ticker's score within a universe: with ``n`` scored tickers and ``b``
    of the others scoring strictly lower, ``rank = 1 + floor(98 * b / (n - 1))``, so the best
    gets 99 and the worst 1. Equal scores get the same rank (the lower one, as both count only
    strictly lower scores). Universes of fewer than 20 scored tickers give no ranks at all: a
    percentile of a handful of tickers says little.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from bot.analysis.evidence._cut import AsOf, cut

YEAR = 252  # sessions in the 52-week window
QUARTER = 63
QUARTER_WEIGHTS = (0.4, 0.2, 0.2, 0.2)  # newest quarter first
MIN_UNIVERSE = 20


def rs_line(close: pd.Series, bench_close: pd.Series) -> pd.Series:
    """close / bench_close on the dates both have (NaNs dropped first)."""
    a, b = close.dropna().align(bench_close.dropna(), join="inner")
    return (a.astype(float) / b.astype(float)).rename("RS")


def rs_line_at_high(close: pd.Series, bench_close: pd.Series, as_of: AsOf = None) -> bool | None:
    """Whether the RS line is at a 52-week high on the last common day on or before ``as_of``."""
    rs = cut(rs_line(close, bench_close), as_of).to_numpy()
    if len(rs) < YEAR:
        return None
    return bool(rs[-1] >= rs[-YEAR:].max())


def rs_line_highs(close: pd.Series, bench_close: pd.Series) -> pd.Series:
    """:func:`rs_line_at_high` on every common day at once (nullable ``boolean``; NA before
    252 common sessions). Index: the common dates."""
    rs = rs_line(close, bench_close)
    top = rs.rolling(YEAR, min_periods=YEAR).max()
    out = pd.Series(pd.array(rs.to_numpy() >= top.to_numpy(), dtype="boolean"), index=rs.index, name="rs_high")
    out[top.isna().to_numpy()] = pd.NA
    return out


def rs_score(close: pd.Series, as_of: AsOf = None) -> float | None:
    """The weighted 12-month performance on the last close on or before ``as_of`` (a fraction:
    0.12 = 12 %); None with fewer than 253 closes or a non-positive close in the year."""
    c = cut(close, as_of).dropna().to_numpy(dtype=float)
    if len(c) < YEAR + 1:
        return None
    points = c[[-1, -1 - QUARTER, -1 - 2 * QUARTER, -1 - 3 * QUARTER, -1 - 4 * QUARTER]]
    if (points <= 0).any():
        return None
    quarters = points[:-1] / points[1:] - 1.0
    return float(np.dot(QUARTER_WEIGHTS, quarters))


def rs_ranks(scores: Mapping[str, float | None]) -> dict[str, int]:
    """Percentile ranks 1..99 of the scored tickers (None / NaN scores are left out); an empty
    dict when fewer than 20 tickers have a score."""
    valid = {t: float(s) for t, s in scores.items() if s is not None and not math.isnan(float(s))}
    n = len(valid)
    if n < MIN_UNIVERSE:
        return {}
    values = np.sort(np.fromiter(valid.values(), dtype=float, count=n))
    below = np.searchsorted(values, list(valid.values()), side="left")  # strictly lower scores
    return {t: 1 + int(98 * int(b) // (n - 1)) for t, b in zip(valid, below)}


def rs_ranks_at(closes: Mapping[str, pd.Series], as_of: AsOf = None) -> dict[str, int]:
    """:func:`rs_ranks` of every ticker's :func:`rs_score` on ``as_of`` (a universe's closes)."""
    return rs_ranks({t: rs_score(c, as_of) for t, c in closes.items()})
