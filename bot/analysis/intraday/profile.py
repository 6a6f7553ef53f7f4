"""The usual volume by this time of day, and the day's volume pace against it.

A day's volume is not spread evenly: most of it trades in the first and the last hour. A pace
measured against a straight line would call every morning busy and every midday quiet, so it
is never used.

* **The ticker's own profile** (:func:`own_profile`): over its last ``PROFILE_SESSIONS`` (20)
  full sessions of 5-minute bars, the mean cumulative volume by the end of each slot, as a share
  of the mean day's volume. Sessions shorter than the longest (half days) are left out of it.
* **The U-shaped profile** (:func:`u_profile`), when the ticker's own is not known: a slot
  centred at ``x`` (its place in the session, 0 = open, 1 = close) gets the weight
  ``1 + U_DEPTH · (2x − 1)²``, i.e. five times the midday rate at the open and at the close.
  Over a 6.5-hour session the first and the last hour then hold 26 % each, more than half of
  the day together (published intraday curves of US stocks and ETFs put each near 20–30 %).
  On a half day the same U is spread over the shorter session.

The **pace** is the day's volume so far over the usual volume by the same slot: the usual day's
volume (the mean of the last 20 daily volumes) times the profile's cumulative share.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

PROFILE_SESSIONS = 20
U_DEPTH = 4.0
BAR_MINUTES = 5


def u_weights(slots: int) -> np.ndarray:
    """Each slot's share of the day's volume under the U shape (sums to 1)."""
    if slots <= 0:
        raise ValueError("a session has at least one slot")
    x = (np.arange(slots) + 0.5) / slots
    w = 1.0 + U_DEPTH * (2.0 * x - 1.0) ** 2
    shares: np.ndarray = w / w.sum()
    return shares


def u_profile(slots: int) -> np.ndarray:
    """The cumulative share of the day's volume by the end of each slot (last = 1.0)."""
    cum: np.ndarray = np.cumsum(u_weights(slots))
    return cum


def own_profile(bars: pd.DataFrame, sessions: int = PROFILE_SESSIONS) -> np.ndarray | None:
    """The ticker's own cumulative profile from its 5-minute ``bars`` (a DatetimeIndex in
    exchange time and a Volume column), over the last ``sessions`` full sessions; None when
    fewer than ``sessions`` full sessions with volume are known."""
    if bars is None or bars.empty or "Volume" not in bars:
        return None
    vol = pd.to_numeric(bars["Volume"], errors="coerce").fillna(0.0)
    days = cast(pd.DatetimeIndex, bars.index).normalize()
    per_day = [v.to_numpy(dtype=float) for _, v in vol.groupby(days)]
    if not per_day:
        return None
    slots = max(len(v) for v in per_day)
    full = [v for v in per_day if len(v) == slots and v.sum() > 0][-sessions:]
    if len(full) < sessions:
        return None
    cum = np.mean([np.cumsum(v) for v in full], axis=0)
    profile: np.ndarray = cum / cum[-1]
    return profile


def slot_of(minutes_since_open: float, slots: int) -> int:
    """The slot whose 5-minute bar has ended by ``minutes_since_open`` (−1 before the first)."""
    return min(int(minutes_since_open // BAR_MINUTES) - 1, slots - 1)


def expected_by(profile: np.ndarray, minutes_since_open: float, day_volume: float) -> float:
    """The usual volume by ``minutes_since_open`` into the session. A profile longer than the
    day's session (a half day read against a full day's profile) is read by elapsed time."""
    k = slot_of(minutes_since_open, len(profile))
    return 0.0 if k < 0 else float(profile[k]) * day_volume


def pace(volume_so_far: float, profile: np.ndarray, minutes_since_open: float, day_volume: float) -> float | None:
    """The day's volume so far over the usual by this time (None before the first bar or without
    a usual volume)."""
    usual = expected_by(profile, minutes_since_open, day_volume)
    if not usual > 0:
        return None
    return float(volume_so_far) / usual
