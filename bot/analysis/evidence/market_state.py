"""The market's state from a daily index frame (SPY by default): distribution days,
follow-through days, and *uptrend* / *under pressure* / *correction*.

The rules (thresholds in :class:`MarketRules`; docs/algorithm.md says the same):

Distribution day
    The index closes down >= 0.2 % (``close[t] / close[t-1] - 1 <= -0.002``) on higher volume
    than the day before (``volume[t] > volume[t-1]``).
Distribution count on day t
    The distribution days among the last 25 sessions (``t-24..t``), leaving out
    (a) a day followed, by day t, by a close at least 5 % above its own close (IBD's rule: a
    5 % rally takes it off the count), and (b) days on or before the latest follow-through
    day (a new uptrend starts with a clean count).
Correction (entered from an uptrend)
    On day t, any of:
    - the close is >= 10 % below the highest close of the last 252 sessions (counting
      only from the latest follow-through day on, when there is one inside them);
    - the distribution count is >= 6 and the close is below its 50-day average;
    - the close is below the correction low that the latest follow-through day ended (the
      follow-through failed).
    The correction low starts as the lowest low from that highest close to day t, and moves
    down with every lower low.
Rally attempt and follow-through day (only in a correction)
    Day 1 of a rally attempt is the first session that closes up (``close[t] > close[t-1]``)
    after the session that made the correction low. A new, lower low ends the attempt; the
    next up close after it is a new day 1. A follow-through day is day 4 or later of the
    attempt (``t - day1 + 1 >= 4``) closing up >= 1.25 % on higher volume than the day before.
    It ends the correction: the state is an uptrend again. A close at the highest close of
    the last 252 sessions also ends a correction (a market at a new high is not correcting,
    and in a quiet climb a 1.25 % day may never come).
Uptrend / under pressure
    Outside a correction the state is *under pressure* when the distribution count is >= 5,
    else *uptrend*. (The close against its 50-day average plays no part here: the index is
    usually still below it on a follow-through day, which IBD calls a confirmed uptrend.)

The walk starts in an uptrend at the first bar given, so a state depends on the history
handed in until the first correction in it has ended (a test shows that SPY from 1993 and from
2015 agree on every day from 2016). There is no state before 50 sessions (no 50-day average).
Thresholds are compared with a 1e-9 tolerance, so an exact 0.2 % or 1.25 % move counts.

:func:`market_state` walks the plain way, one day at a time, and recounts every window;
:func:`market_tape` / :func:`market_states` do it for every day in one pass (a test proves
them equal day by day on real data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from bot.analysis.evidence._cut import AsOf, as_date, cut

State = Literal["uptrend", "under_pressure", "correction"]
STATES: tuple[str, ...] = ("uptrend", "under_pressure", "correction")
INDEXES: tuple[str, ...] = ("SPY", "QQQ", "IWM")
EPS = 1e-9


@dataclass(frozen=True)
class MarketRules:
    distribution_drop: float = 0.002  # a distribution day closes down at least this much
    window: int = 25  # sessions over which distribution days are counted
    rally_removes: float = 0.05  # a close this far above a distribution day's close removes it
    follow_through_gain: float = 0.0125  # a follow-through day closes up at least this much
    follow_through_day: int = 4  # ... on this day of the rally attempt or later
    pressure_count: int = 5  # distribution days that put an uptrend under pressure
    correction_count: int = 6  # ... that, below the 50-day average, make a correction
    correction_drawdown: float = 0.10  # a close this far below the year's high is a correction
    high_lookback: int = 252  # sessions for "the year's high"
    average: int = 50  # the moving average's sessions; no state before this many bars


RULES = MarketRules()


@dataclass(frozen=True)
class MarketState:
    index: str
    as_of: date
    state: State
    distribution_days: tuple[date, ...]  # the counted ones, oldest first
    follow_through: date | None  # the latest follow-through day (None in a correction or when none yet)
    rally_day: int | None = None  # in a correction: the day of the rally attempt (None: no attempt yet)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "as_of": self.as_of.isoformat(),
            "state": self.state,
            "distribution_days": [d.isoformat() for d in self.distribution_days],
            "follow_through": self.follow_through.isoformat() if self.follow_through else None,
            "rally_day": self.rally_day,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> MarketState:
        ft = d.get("follow_through")
        rally = d.get("rally_day")
        return cls(
            index=str(d["index"]),
            as_of=date.fromisoformat(d["as_of"]),
            state=d["state"],
            distribution_days=tuple(date.fromisoformat(x) for x in d.get("distribution_days") or ()),
            follow_through=date.fromisoformat(ft) if ft else None,
            rally_day=int(rally) if rally is not None else None,
        )


def _arrays(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (df["Low"].to_numpy(dtype=float), df["Close"].to_numpy(dtype=float), df["Volume"].to_numpy(dtype=float))


# ---------------------------------------------------------------------------------------------
# The plain path: one day at a time, every window recounted.


def market_state(index_daily: pd.DataFrame, as_of: AsOf = None, index: str = "SPY", rules: MarketRules = RULES) -> MarketState | None:
    """The state on the last bar on or before ``as_of`` (None with fewer than 50 bars)."""
    df = cut(index_daily, as_of)
    low, close, vol = _arrays(df)
    n = len(close)
    if n < rules.average:
        return None

    def change(t: int) -> float:
        return float(close[t] / close[t - 1] - 1.0)

    def is_distribution(t: int) -> bool:
        return t >= 1 and change(t) <= -rules.distribution_drop + EPS and vol[t] > vol[t - 1]

    def counted(t: int, last_ftd: int | None) -> list[int]:
        days = []
        for d in range(max(0, t - rules.window + 1), t + 1):
            if last_ftd is not None and d <= last_ftd:
                continue
            if is_distribution(d) and not any(close[k] >= close[d] * (1 + rules.rally_removes) - EPS for k in range(d + 1, t + 1)):
                days.append(d)
        return days

    state: State = "uptrend"
    last_ftd: int | None = None
    guard: float | None = None  # the correction low the latest follow-through ended
    corr_low = 0.0
    day1: int | None = None
    for t in range(n):
        if state == "correction":
            if close[t] >= close[max(0, t - rules.high_lookback + 1):t + 1].max():
                state, day1 = "uptrend", None  # a new closing high for the year
            elif low[t] < corr_low:
                corr_low, day1 = low[t], None
            elif day1 is None:
                if t >= 1 and close[t] > close[t - 1]:
                    day1 = t
            elif (t - day1 + 1 >= rules.follow_through_day and change(t) >= rules.follow_through_gain - EPS
                  and vol[t] > vol[t - 1]):
                state, last_ftd, guard, day1 = "uptrend", t, corr_low, None
            if state == "correction":
                continue
        days = counted(t, last_ftd)
        start = max(0, t - rules.high_lookback + 1)
        if last_ftd is not None:
            start = max(start, last_ftd)
        peak_at = start + int(np.argmax(close[start:t + 1]))
        sma = close[t - rules.average + 1:t + 1].mean() if t + 1 >= rules.average else None
        below_sma = sma is not None and close[t] < sma
        if (close[t] <= close[peak_at] * (1 - rules.correction_drawdown) + EPS * close[peak_at]
                or (len(days) >= rules.correction_count and below_sma)
                or (guard is not None and close[t] < guard)):
            state, guard, day1 = "correction", None, None
            corr_low = float(low[peak_at:t + 1].min())
        elif len(days) >= rules.pressure_count:
            state = "under_pressure"
        else:
            state = "uptrend"
    t = n - 1
    dates = df.index
    rally_day = (t - day1 + 1) if (state == "correction" and day1 is not None) else None
    return MarketState(
        index=index,
        as_of=as_date(dates[t]),
        state=state,
        distribution_days=tuple(as_date(dates[d]) for d in counted(t, last_ftd)),
        follow_through=as_date(dates[last_ftd]) if (state != "correction" and last_ftd is not None) else None,
        rally_day=rally_day,
    )


# ---------------------------------------------------------------------------------------------
# The one-pass path: the day's facts as arrays, then one walk that keeps its windows.


def _first_rally_above(close: np.ndarray, flags: np.ndarray, rules: MarketRules) -> np.ndarray:
    """For each distribution day d, the first later bar whose close is >= 5 % above close[d]
    (len(close) when none within the window, where it no longer matters)."""
    n = len(close)
    out = np.full(n, n, dtype=np.int64)
    for d in np.flatnonzero(flags):
        ahead = close[d + 1:d + rules.window]
        hit = np.flatnonzero(ahead >= close[d] * (1 + rules.rally_removes) - EPS)
        if hit.size:
            out[d] = d + 1 + int(hit[0])
    return out


def market_tape(index_daily: pd.DataFrame, rules: MarketRules = RULES) -> pd.DataFrame:
    """Every day's state in one pass. Columns: ``state`` (missing before 50 bars),
    ``distribution`` (the day is a distribution day), ``follow_through`` (the day is a
    follow-through day), ``count`` (the distribution count), ``rally_day`` (in a correction,
    the rally attempt's day; 0 when none)."""
    low, close, vol = _arrays(index_daily)
    n = len(close)
    change = np.zeros(n)
    higher = np.zeros(n, dtype=bool)
    if n > 1:
        change[1:] = close[1:] / close[:-1] - 1.0
        higher[1:] = vol[1:] > vol[:-1]
    up = np.zeros(n, dtype=bool)
    up[1:] = close[1:] > close[:-1] if n > 1 else up[1:]
    dist = (change <= -rules.distribution_drop + EPS) & higher
    dist[0] = False
    strong = (change >= rules.follow_through_gain - EPS) & higher
    removed_at = _first_rally_above(close, dist, rules)
    sma = pd.Series(close).rolling(rules.average).mean().to_numpy()
    year_high = pd.Series(close).rolling(rules.high_lookback, min_periods=1).max().to_numpy()

    states = np.empty(n, dtype=object)
    counts = np.zeros(n, dtype=np.int64)
    rally = np.zeros(n, dtype=np.int64)
    ftd_flags = np.zeros(n, dtype=bool)
    state: State = "uptrend"
    last_ftd = -1
    high_since_ftd = -np.inf
    guard: float | None = None
    corr_low = 0.0
    day1 = -1
    window: list[int] = []  # distribution days after the latest follow-through, newest last
    for t in range(n):
        while window and window[0] <= t - rules.window:
            window.pop(0)
        if dist[t]:
            window.append(t)
        if last_ftd >= 0:
            high_since_ftd = max(high_since_ftd, close[t])
        if state == "correction":
            if close[t] >= year_high[t]:
                state, day1 = "uptrend", -1  # a new closing high for the year
            elif low[t] < corr_low:
                corr_low, day1 = low[t], -1
            elif day1 < 0:
                if up[t]:
                    day1 = t
            elif t - day1 + 1 >= rules.follow_through_day and strong[t]:
                state, last_ftd, guard, day1 = "uptrend", t, corr_low, -1
                ftd_flags[t] = True
                high_since_ftd = close[t]
                window = []
        count = sum(1 for d in window if removed_at[d] > t)
        if state != "correction":
            if last_ftd >= 0 and t - last_ftd < rules.high_lookback:
                peak = high_since_ftd
            else:
                peak = year_high[t]
            below_sma = t + 1 >= rules.average and close[t] < sma[t]
            if (close[t] <= peak * (1 - rules.correction_drawdown) + EPS * peak
                    or (count >= rules.correction_count and below_sma)
                    or (guard is not None and close[t] < guard)):
                state, guard, day1 = "correction", None, -1
                start = max(0, t - rules.high_lookback + 1, last_ftd)
                peak_at = start + int(np.argmax(close[start:t + 1]))
                corr_low = float(low[peak_at:t + 1].min())
            elif count >= rules.pressure_count:
                state = "under_pressure"
            else:
                state = "uptrend"
        states[t] = state if t + 1 >= rules.average else None
        counts[t] = count
        rally[t] = (t - day1 + 1) if (state == "correction" and day1 >= 0) else 0
    return pd.DataFrame(
        {"state": states, "distribution": dist, "follow_through": ftd_flags, "count": counts, "rally_day": rally},
        index=index_daily.index,
    )


def market_states(index_daily: pd.DataFrame, rules: MarketRules = RULES) -> pd.Series:
    """The state on every day (missing before 50 bars), in one pass: equal to :func:`market_state`
    on every day."""
    return market_tape(index_daily, rules)["state"].rename("market_state")


def market_state_one_pass(index_daily: pd.DataFrame, as_of: AsOf = None, index: str = "SPY",
                          rules: MarketRules = RULES) -> MarketState | None:
    """:func:`market_state` from :func:`market_tape`'s one pass (a few ms where the plain walk,
    recounting every window, takes tens): equal to it on every day (a test checks it)."""
    df = cut(index_daily, as_of)
    n = len(df)
    if n < rules.average:
        return None
    tape = market_tape(df, rules)
    t = n - 1
    state = cast(State, tape["state"].to_numpy()[t])
    ftds = np.flatnonzero(tape["follow_through"].to_numpy())
    last_ftd = int(ftds[-1]) if ftds.size else -1
    close = df["Close"].to_numpy(dtype=float)
    dist = tape["distribution"].to_numpy()
    removed_at = _first_rally_above(close, dist, rules)
    first = max(0, t - rules.window + 1, last_ftd + 1)
    days = [d for d in range(first, t + 1) if dist[d] and removed_at[d] > t]
    rally = int(tape["rally_day"].to_numpy()[t])
    dates = df.index
    return MarketState(
        index=index,
        as_of=as_date(dates[t]),
        state=state,
        distribution_days=tuple(as_date(dates[d]) for d in days),
        follow_through=as_date(dates[last_ftd]) if (state != "correction" and last_ftd >= 0) else None,
        rally_day=rally if rally > 0 else None,
    )
