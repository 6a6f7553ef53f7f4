"""Tunable thresholds of the breakout event engine (priors from the literature, see
``shared/notes/bases-and-breakouts.md``; calibrated by replaying real history)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class EngineParams:
    # --- breakout trigger: a daily CLOSE above zone top + buffer -------------------------
    buffer_pct: float = 0.5  # buffer = max(buffer_pct % of the level, buffer_atr x ATR)
    buffer_atr: float = 0.25
    atr_period: int = 14  # Wilder ATR on daily bars
    # --- volume tag ------------------------------------------------------------------------
    volume_window: int = 50  # average of the previous 50 sessions (today excluded)
    volume_ratio_on: float = 1.4  # "on volume" when volume >= 1.4 x that average
    # --- failure ---------------------------------------------------------------------------
    failure_window: int = 10  # bars after the breakout during which a failure is announced
    stop_pct: float = 8.0  # a close this far below the breakout close (and below the zone top) fails it
    # --- after a failure -------------------------------------------------------------------
    rearm_closes: int = 3  # consecutive closes back inside the base re-arm it ("2nd attempt")
    failed_timeout: int = 65  # bars in "failed" without re-arming or busting -> forget the base
    # --- tests -----------------------------------------------------------------------------
    test_gap_bars: int = 10  # distinct tests are at least this many bars apart ...
    test_pullback_atr: float = 2.0  # ... with a low at least this many ATR below the zone between
    announce_tests_from: int = 3  # "n-th test" is announced for n >= this
    recent_test_bars: int = 5  # a test the finder confirms late is still news this many bars on
    # --- base finder use -------------------------------------------------------------------
    timeframe: Literal["weekly", "daily"] = "weekly"
    # The base finder is re-run while idle/armed: once a week on a per-ticker weekday (spreads the
    # load of a universe scan over the week), or every bar with "daily"; and always before a bar
    # that could be a breakout (a close above the cached trigger, or above the highest close of
    # the previous ``breakout_lookback`` bars: a base is >= 5 weeks with no close above its top).
    refresh: Literal["weekly", "daily"] = "weekly"
    breakout_lookback: int = 20
    finder_window_bars: int = 1000  # bars handed to the base finder (≈ 4 years; it looks back ≈ 3)
    stale_refreshes: int = 8  # an armed base the finder no longer confirms is dropped after this many refreshes
    min_history_bars: int = 60  # no base is looked for with less history than this
    # --- cold start --------------------------------------------------------------------------
    warmup_bars: int = 80  # a ticker without state starts this many bars back (> failure and re-arm windows)

    def buffer(self, level: float, atr: float) -> float:
        atr_part = self.buffer_atr * atr if atr == atr else 0.0  # NaN-safe
        return max(self.buffer_pct / 100.0 * level, atr_part)
