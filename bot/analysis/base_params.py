"""Tunables of base detection, with the reasoning behind each default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BaseParams:
    """Defaults follow the literature priors in notes/bases-and-breakouts.md.

    "vol" below is the median Wilder ATR(``atr_n``) of the analysis bars over the last
    ``vol_window_*`` bars (a median, so one wild bar does not move the levels).
    """

    # how far back a base may start: ~3 years weekly, ~1 year daily
    lookback_weeks: int = 156
    lookback_days: int = 260
    atr_n: int = 14
    vol_window_weekly: int = 52
    vol_window_daily: int = 120
    # cluster tolerance: highs within max(tol_pct * price, tol_atr * vol) of the top touch it.
    # A weekly ATR is ~2.2 daily ATRs, so 0.5 weekly ATR ~ the spec's "1 (daily) ATR".
    tol_pct: float = 0.01
    tol_atr_weekly: float = 0.5
    tol_atr_daily: float = 1.0
    # a pullback separating two tests: a low this far below the touch line (~2 daily ATRs)
    pullback_atr_weekly: float = 1.0
    pullback_atr_daily: float = 2.0
    # two tests closer than this (bars) count once
    min_test_gap_weekly: int = 4
    min_test_gap_daily: int = 10
    # breakout = close above zone top * (1 + buffer_pct)
    buffer_pct: float = 0.005
    # qualification
    min_tests: int = 2
    strong_tests: int = 3
    min_weeks: float = 5.0
    max_depth_pct: float = 50.0
    flat_max_depth_pct: float = 15.0
    consolidation_max_depth_pct: float = 35.0
    # status windows, in daily bars (events run on daily closes)
    breakout_recent_days: int = 20  # "breakout" status lasts this long unless it fails
    failure_window_days: int = 10  # a close back below the zone within this window = failed
    failure_drop_pct: float = 8.0  # any close this far below the breakout close = failed
    failed_recent_days: int = 20  # "failed" status lasts this long after the failing close
    # below this many daily bars find_base raises NotEnoughData
    min_days_weekly: int = 100
    min_days_daily: int = 60

    @property
    def scan_days(self) -> int:
        """How far back a breakout can still matter for the status."""
        return self.breakout_recent_days + self.failure_window_days + self.failed_recent_days
