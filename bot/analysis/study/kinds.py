"""What kind of breakout an announced one is, and the groups the study puts it in.

All pure functions of the breakout event and the daily bars up to its day, so the live
announcement names the same kind and groups the study measured.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from bot.analysis.events.params import EngineParams
from bot.analysis.events.types import Event

Kind = Literal["record", "major", "nearest"]

# the dimensions a breakout is grouped by, each with its values in order
KINDS: tuple[str, ...] = ("record", "major", "nearest")
LENGTHS: tuple[str, ...] = ("short", "mid", "long")  # < 6 months, 6-18 months, > 18 months
VOLUMES: tuple[str, ...] = ("heavy", "light")  # >= 1.4x the 50-day average volume, or not
RS: tuple[str, ...] = ("high", "not_high")  # RS line (close / SPY) at a 52-week high, or not
MARKETS: tuple[str, ...] = ("uptrend", "under_pressure", "correction")  # SPY's state that day
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "kind": KINDS, "length": LENGTHS, "volume": VOLUMES, "rs": RS, "market": MARKETS,
}

WEEKS_PER_MONTH = 52.0 / 12.0
SHORT_WEEKS = 6 * WEEKS_PER_MONTH  # 26 weeks
LONG_WEEKS = 18 * WEEKS_PER_MONTH  # 78 weeks


def breakout_kind(event: Event, daily: pd.DataFrame) -> Kind:
    """``record``: the breakout close is above every high of ``daily`` before the breakout day
    (the all-time high of the data given: the live scan's years of history, the study's files);
    else ``major``: a breakout of the major base (``Event.major``); else ``nearest``.
    Only bars dated before the event's day are read."""
    before = daily["High"].to_numpy(dtype=float)[: int(daily.index.searchsorted(pd.Timestamp(event.date)))]
    if len(before) and event.close > float(np.nanmax(before)):
        return "record"
    return "major" if event.major else "nearest"


def length_group(base_weeks: float) -> str:
    """``short`` under 6 months (26 weeks), ``long`` over 18 months (78 weeks), else ``mid``."""
    if base_weeks < SHORT_WEEKS:
        return "short"
    return "long" if base_weeks > LONG_WEEKS else "mid"


def volume_group(volume_ratio: float | None) -> str | None:
    """``heavy`` at >= 1.4x the 50-session average (the engine's "on volume"), else ``light``;
    None when the average is not known."""
    if volume_ratio is None or volume_ratio != volume_ratio:
        return None
    return "heavy" if volume_ratio >= EngineParams().volume_ratio_on else "light"


def rs_group(rs_high: bool | None) -> str | None:
    return None if rs_high is None else ("high" if rs_high else "not_high")


def market_group(state: str | None) -> str | None:
    return state if state in MARKETS else None
