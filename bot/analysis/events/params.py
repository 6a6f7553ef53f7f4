"""Tunable thresholds of the breakout event engine (priors from the literature, see
``shared/notes/bases-and-breakouts.md``; calibrated by replaying real history).

Breakout and failure themselves are find_base's judgement (``BaseParams``: breakout line,
failure window, 8 % stop); these parameters only shape announcements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.analysis.base.params import BaseParams

_FINDER = BaseParams()  # the finder's defaults, which the engine's find_base runs with


@dataclass(frozen=True)
class EngineParams:
    # --- buffer below the support for "busted": max(buffer_pct % of the level, buffer_atr x ATR)
    buffer_pct: float = 0.5
    buffer_atr: float = 0.25
    atr_period: int = 14  # Wilder ATR on daily bars
    # --- volume tag ------------------------------------------------------------------------
    volume_window: int = 50  # average of the previous 50 sessions (today excluded)
    volume_ratio_on: float = 1.4  # "on volume" when volume >= 1.4 x that average
    # --- tests -----------------------------------------------------------------------------
    announce_tests_from: int = 3  # "n-th test" is announced for n >= this, once per test
    recent_test_bars: int = 5  # the newest test must be this recent for "testing" to be news
    # No alert storms: an "n-th test" is announced only while the ticker had fewer than this
    # many events in the last 365 days (breakouts and failures are always announced)
    test_budget: int = 6
    # The newest test moves to a later week when a higher high comes within the finder's test
    # gap (4 weeks), and the finder may recount a base's tests as its zone re-centres: an n-th
    # test of an overlapping zone the finder reported within this many days is not announced
    # again (test numbers per base only go up). Also how long the memory of reported tests lasts.
    same_test_days: int = 91

    # Bars a replay steps through silently before its first day: a year, so the memory of
    # reported tests (bases reported within ``same_test_days``, and their test counts) is the
    # one a replay from the first bar holds for all but bases older than that.
    warm_up_bars: int = 260
    # --- base finder use -------------------------------------------------------------------
    timeframe: Literal["weekly", "daily"] = "weekly"
    min_history_bars: int = 60  # no base is looked for with less history than this

    def finder_window_bars(self) -> int:
        """Bars handed to the base finder: all it reads (≈ 31 years weekly), so the engine sees
        exactly what ``find_base`` on the whole file sees."""
        return _FINDER.history_bars(self.timeframe)

    def buffer(self, level: float, atr: float) -> float:
        atr_part = self.buffer_atr * atr if atr == atr else 0.0  # NaN-safe
        return max(self.buffer_pct / 100.0 * level, atr_part)
