"""Tunables of base detection, with the reasoning behind each default."""

from __future__ import annotations

from dataclasses import astuple, dataclass


@dataclass(frozen=True)
class BaseParams:
    """Defaults follow the literature priors in notes/bases-and-breakouts.md.

    "vol" below is the median Wilder ATR(``atr_n``) of the analysis bars over the last
    ``vol_window_*`` bars (a median, so one wild bar does not move the levels).
    """

    # how far back a base may start: ~3 years weekly, ~1 year daily
    lookback_weeks: int = 156
    lookback_days: int = 260
    # the major base (weekly only): the highest qualifying ceiling of the last 30 years that
    # the last close is within ``major_reach_pct`` of (a trader's multi-year line, often the
    # all-time high); it must be at least half a year old (a record-high breakout of a "long
    # base"), and depth is only a tag for it (clearing a record after a deep fall still counts)
    major_lookback_weeks: int = 1560
    major_reach_pct: float = 25.0
    major_min_weeks: float = 20.0
    major_max_depth_pct: float = 100.0
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
    min_tests: int = 3
    major_min_tests: int = 2
    min_weeks: float = 5.0
    max_depth_pct: float = 50.0
    flat_max_depth_pct: float = 15.0
    consolidation_max_depth_pct: float = 35.0
    # status windows, in daily bars (events run on daily closes)
    breakout_recent_days: int = 20  # "breakout" status lasts this long unless it fails
    # a close back below the zone, or this far below the breakout close: within
    # ``failure_window_days`` the breakout "failed" (the seed's false breakout); later, up to
    # ``fade_window_days``, it "faded"
    failure_window_days: int = 10
    fade_window_days: int = 30
    failure_drop_pct: float = 8.0
    failed_recent_days: int = 20  # "failed"/"faded" status lasts this long after the failing close
    # a re-armed base (after a failed breakout) breaks out again only this many sessions after
    # the failing close: price spends a week and a half back inside the base first (no
    # breakout -> failed -> breakout flip)
    rearm_after_days: int = 7
    # after a failed breakout the base is re-armed for this many attempts in all (Brandt's
    # premature breakout followed by the real one); a faded breakout does not re-arm it
    max_attempts: int = 2
    major_max_attempts: int = 1  # a failed breakout of a major (2-test) base is not re-armed
    # a breakout of a base whose zone starts within ``stack_pct`` above a ceiling price cleared
    # at most ``stack_days`` sessions before (and still holds) is the same move: not announced
    stack_days: int = 10
    stack_pct: float = 3.0
    # below this many daily bars find_base raises NotEnoughData
    min_days_weekly: int = 100
    min_days_daily: int = 60

    def __hash__(self) -> int:
        # the parameters are part of every memo key of find_base: hash the ~40 fields once
        # (ints and floats, so the hash is the same in every process)
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash(astuple(self))
            object.__setattr__(self, "_hash", h)
        return h

    def history_bars(self, timeframe: str) -> int:
        """Daily bars find_base reads before as_of: callers giving more get the same answer."""
        if timeframe == "weekly":
            weeks = max(self.lookback_weeks, self.major_lookback_weeks)
            return (weeks + self.vol_window_weekly // 4 + 2) * 5 + self.scan_days
        return self.lookback_days + self.scan_days + self.vol_window_daily // 4

    @property
    def scan_days(self) -> int:
        """How far back a breakout can still matter for the status."""
        return self.fade_window_days + self.failed_recent_days
