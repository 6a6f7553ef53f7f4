"""find_base's shortcuts never change an answer.

To be fast, ``find_base`` skips work it can prove useless: a fresh close builds the bases of
its line day only when some high could be the top of a box it breaks (``fresh_closes``), and
then only the ceilings that close could break are examined (``Ceilings.nearest_under`` /
``major_under``, with ``top_floor``). Here the same calls run with every shortcut switched
off (every close the rule calls fresh builds both scales in full) and must give the same
results, on real data at every month end and on the days around real breakouts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from bot.analysis.base import find_base, finder
from bot.analysis.base.scan import Structure


def _every_fresh_close(self, scale: int):
    """The fresh closes before any shortcut, by the rule itself: a close above the prior
    closes, with some high of the bars through its line day between those closes and it
    (the breakout line lies between them), whatever the scale."""
    close, p = self.d.close, self.p
    buf = 1 + p.buffer_pct
    n = len(close) - 1
    lo = max(finder._PRIOR_CLOSE_DAYS, n - p.scan_days + 1)
    if lo > n:
        return lo, set()
    prior = sliding_window_view(close[lo - finder._PRIOR_CLOSE_DAYS : n], finder._PRIOR_CLOSE_DAYS).max(axis=1)
    days = set()
    for j in (lo + np.flatnonzero(close[lo : n + 1] > prior)).tolist():
        line = self.line_day(j)
        highs = self.bars.high[: int(self.week_of(line)) + 1] if self.weekly else self.d.high[: line + 1]
        if ((highs >= prior[j - lo] / buf) & (highs < close[j] / buf)).any():
            days.add(j)
    return lo, days


def _full_bases(self, pos: int, scale: int, close: float):
    """The base at ``scale`` built in full, whatever the close."""
    got = self.through(pos)
    return (got[scale] if isinstance(got[scale], Structure) else None), got[2]


@pytest.fixture
def exhaustive(monkeypatch):
    """Run find_base with its shortcuts switched off inside the ``with`` block it returns."""

    class Exhaustive:
        def __enter__(self):
            monkeypatch.setattr(finder._Analyzer, "fresh_closes", _every_fresh_close)
            monkeypatch.setattr(finder._Analyzer, "breakable", _full_bases)

        def __exit__(self, *exc):
            monkeypatch.undo()

    return Exhaustive()


@pytest.mark.parametrize("ticker", ["IWM", "MDY", "SPY", "TLT", "XLV", "XLK"])
def test_shortcuts_give_the_same_bases_at_every_month_end(ticker, load_daily, exhaustive):
    daily = load_daily(ticker)
    ends = daily.groupby(daily.index.to_period("M")).tail(1).index
    days = [d.date() for d in ends if d.year >= 2016]
    fast = [find_base(daily, d) for d in days]
    with exhaustive:
        slow = [find_base(daily, d) for d in days]
    assert len(fast) > 100
    for d, a, b in zip(days, fast, slow):
        assert a == b, f"{ticker} as of {d}"


def test_shortcuts_keep_every_breakout_around_real_breakouts(load_daily, exhaustive):
    """The days a base is broken (the shortcuts' edge) and the weeks after, for both scales."""
    daily = load_daily("IWM")
    days = [d.date() for d in daily.loc["2023-11-15":"2024-02-15"].index]
    days += [d.date() for d in daily.loc["2024-10-15":"2024-12-31"].index]
    fast = [find_base(daily, d) for d in days]
    with exhaustive:
        slow = [find_base(daily, d) for d in days]
    breakouts = {r.breakout_date for r in fast if r.breakout_date is not None}
    assert pd.Timestamp("2023-12-26").date() in breakouts  # the seed's breakout is among them
    for d, a, b in zip(days, fast, slow):
        assert a == b, f"IWM as of {d}"


def test_daily_timeframe_shortcuts_give_the_same_bases(load_daily, exhaustive):
    daily = load_daily("QQQ")
    days = [d.date() for d in daily.loc["2023-01-01":"2024-12-31"].index[::5]]
    fast = [find_base(daily, d, timeframe="daily") for d in days]
    with exhaustive:
        slow = [find_base(daily, d, timeframe="daily") for d in days]
    for d, a, b in zip(days, fast, slow):
        assert a == b, f"QQQ daily as of {d}"
