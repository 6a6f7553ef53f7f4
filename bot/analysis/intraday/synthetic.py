"""Synthetic 5-minute sessions built from real daily bars.

Yahoo serves 5-minute bars for the last 60 days only, so the tests and the offline twin build
the session from the day's own bar. The path respects the day exactly:

* the first bar opens at the day's **open**, the last bar closes at its **close**;
* no bar trades above the day's **high** or below its **low**, and both are reached, each at
  the *close* of one bar (so a watch reading the last price every 5 minutes sees them);
* the bars' **volumes** add up to the day's volume, spread by the U-shaped profile
  (:func:`bot.analysis.intraday.profile.u_weights`).

The order of the extremes follows the candle: an up day (close ≥ open) makes its low first,
then its high; a down day its high first. The low of an up day comes in the first 40 % of the
session and its high in the last 40 % (mirrored on a down day); between the anchor points the
path is a straight line plus a small random walk pinned at both ends (a Brownian bridge, at most
a fifth of the day's range) clipped to the day's range. Deterministic: the random numbers are
seeded by the day's date and prices, so the same bar always gives the same session.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from bot.analysis.intraday.profile import BAR_MINUTES, u_weights

NOISE = 0.2  # of the day's range: the bridge's largest excursion from the straight path


def _rng(day: pd.Timestamp, o: float, h: float, lo: float, c: float) -> np.random.Generator:
    key = f"{day.date()}|{o:.6f}|{h:.6f}|{lo:.6f}|{c:.6f}".encode()
    return np.random.default_rng(int.from_bytes(hashlib.sha256(key).digest()[:8], "little"))


def _bridge(rng: np.random.Generator, n: int, scale: float) -> np.ndarray:
    """``n + 1`` points of a random walk from 0 back to 0, its largest excursion ``scale``."""
    if n <= 1:
        return np.zeros(n + 1)
    walk = np.concatenate([[0.0], np.cumsum(rng.standard_normal(n))])
    bridge = walk - np.linspace(0.0, walk[-1], n + 1)
    peak = np.abs(bridge).max()
    return bridge * (scale / peak) if peak > 0 else bridge


def synthetic_closes(o: float, h: float, lo: float, c: float, slots: int, rng: np.random.Generator) -> np.ndarray:
    """The path's value at the open (index 0) and at the end of each of ``slots`` bars."""
    if slots < 6:
        raise ValueError("a synthetic session needs at least 6 bars")
    up = c >= o
    first, second = (lo, h) if up else (h, lo)
    i1 = int(rng.integers(1, max(2, int(slots * 0.4)) + 1))
    i2 = int(rng.integers(max(i1 + 1, int(slots * 0.6)), slots))  # before the last bar's close
    anchors = [(0, o), (i1, first), (i2, second), (slots, c)]
    path = np.empty(slots + 1)
    span = max(h - lo, 0.0)
    for (a, va), (b, vb) in zip(anchors, anchors[1:]):
        seg = np.linspace(va, vb, b - a + 1) + _bridge(rng, b - a, NOISE * span)
        path[a:b + 1] = seg
    path = np.clip(path, lo, h)
    path[0], path[i1], path[i2], path[-1] = o, first, second, c
    return path


def synthetic_session(day: pd.Timestamp, o: float, h: float, lo: float, c: float, volume: float,
                      session_open: pd.Timestamp, session_close: pd.Timestamp) -> pd.DataFrame:
    """5-minute bars (Open, High, Low, Close, Volume) of one session, indexed by each bar's start
    in the timezone of ``session_open`` (exchange time)."""
    slots = int((session_close - session_open) / pd.Timedelta(minutes=BAR_MINUTES))
    rng = _rng(day, o, h, lo, c)
    path = synthetic_closes(o, h, lo, c, slots, rng)
    opens, closes = path[:-1], path[1:]
    top, bottom = np.maximum(opens, closes), np.minimum(opens, closes)
    wick = rng.uniform(0.0, 0.15, size=(2, slots)) * max(h - lo, 0.0) / np.sqrt(slots)
    highs = np.minimum(top + wick[0], h)
    lows = np.maximum(bottom - wick[1], lo)
    vol = np.floor(u_weights(slots) * max(volume, 0.0))
    vol[-1] += max(volume, 0.0) - vol.sum()  # the day's volume exactly
    index = pd.date_range(session_open, periods=slots, freq=f"{BAR_MINUTES}min", name="Datetime")
    return pd.DataFrame({"Open": opens, "High": highs, "Low": lows, "Close": closes, "Volume": vol}, index=index)
