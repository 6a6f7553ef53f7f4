"""The structural half of base detection: levels, tests, start and support of the base that
ends at a given bar. No status here (see ``base.py``).

Idea: a base's resistance is its ceiling, the highest high since the base started, and the
base started on the bar after the last close above that ceiling (or, after a prior rise, at
the first touch of it). Scanning backwards from the end bar, the possible ceilings are the
"backward records" (highs above every later high), so only a handful of candidates exist.
Each candidate gets its distinct tests (touch episodes separated by real pullbacks) and
support (the cluster of lows near the lowest low since the start). The nearest (lowest)
ceiling that qualifies wins: it is the one price has to clear next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.analysis.bars import BarArrays
from bot.analysis.base_params import BaseParams
from bot.analysis.pivots import touch_episodes


@dataclass
class Structure:
    """A candidate base on bars [start, end) of the analysis arrays (absolute positions)."""

    start: int
    end: int
    top: float
    zone_low: float
    level: float
    tests: np.ndarray
    sup_low: float
    sup_high: float
    sup_level: float
    tol: float
    touch_line: float
    buffer: float
    depth_pct: float
    weeks: float

    @property
    def breakout_line(self) -> float:
        return self.top + self.buffer


def _median(x: np.ndarray) -> float:
    """Median of a small array (faster than np.median for a handful of values)."""
    v = sorted(x.tolist())
    m = len(v) // 2
    return float(v[m]) if len(v) % 2 else (v[m - 1] + v[m]) / 2.0


def _settings(p: BaseParams, weekly: bool):
    if weekly:
        return p.lookback_weeks, p.vol_window_weekly, p.tol_atr_weekly, p.pullback_atr_weekly, p.min_test_gap_weekly
    return p.lookback_days, p.vol_window_daily, p.tol_atr_daily, p.pullback_atr_daily, p.min_test_gap_daily


def scan_structure(b: BarArrays, atrv: np.ndarray, end: int, p: BaseParams, weekly: bool) -> Structure | str:
    """The base ending at bar ``end - 1``, using bars [end - lookback, end) only.

    Returns the qualified Structure of the nearest ceiling, or a short reason why there is
    none (the nearest candidate's failing rule).
    """
    lookback, volwin, tol_atr, pull_atr, min_gap = _settings(p, weekly)
    w0 = max(0, end - lookback)
    h = b.high[w0:end]
    l = b.low[w0:end]
    c = b.close[w0:end]
    n = len(h)
    if n < 3:
        return "too few bars"
    vol = _median(atrv[max(w0, end - volwin) : end])
    rev = np.maximum.accumulate(h[::-1])[::-1]
    later = np.empty(n)
    later[:-1] = rev[1:]
    later[-1] = -np.inf
    records = np.flatnonzero(h > later)[::-1]  # nearest first, rising in price
    last_close = c[-1]
    why = ""
    late_all = b.lo_day[w0:end] > b.hi_day[w0:end]  # the bar's low came after its high
    reset_gap = pull_atr * vol
    for r in records.tolist():
        v = h[r]
        if (v - last_close) / v * 100.0 > p.max_depth_pct:
            break  # every further record is higher still
        tol = max(p.tol_pct * v, tol_atr * vol)
        # closes inside the tolerance band do not end a base (they are inside the zone)
        above = np.flatnonzero(c[:r] > (v + tol) * (1 + p.buffer_pct))
        from_above = len(above) > 0
        s = int(above[-1]) + 1 if from_above else 0
        # intrabar spikes above the ceiling (closes stayed below): tests only count after them
        spikes = np.flatnonzero(h[s:r] > v + tol)
        s2 = s + int(spikes[-1]) + 1 if len(spikes) else s
        # pass 1 gathers touches in a wide band under the ceiling; pass 2 re-centres the band
        # on their median, so one poke above the old highs (often the live test) does not
        # push the earlier tests out of the zone
        line = v - 2 * tol
        # cheap necessary condition for two tests: touches at least min_gap bars apart with
        # a pullback bar between the first and the last
        tp = np.flatnonzero(h[s2:] >= line)
        if tp[-1] - tp[0] < min_gap or not (l[s2 + tp[0] : s2 + tp[-1]] <= line - reset_gap).any():
            why = why or f"resistance near {v:.2f} was tested only once"
            continue
        late_hi = late_all[s2:]
        tests, live = touch_episodes(h[s2:], l[s2:], line, line - reset_gap, min_gap, from_above, late_hi)
        if len(tests) == 0:
            continue
        if len(tests) > 1:
            line = _median(h[s2 + tests]) - tol
            tests, live = touch_episodes(h[s2:], l[s2:], line, line - reset_gap, min_gap, from_above, late_hi)
            if len(tests) == 0:
                continue
        tests = tests + s2
        # a test still in progress counts, but only completed tests define the zone, so a
        # live poke above the old highs does not drag the breakout line up with it
        defining = tests[:-1] if live and len(tests) > 1 else tests
        start = s if from_above else int(tests[0])
        th = h[defining]
        top = float(th.max())
        if (c[int(tests[0]) : n] > top * (1 + p.buffer_pct)).any():
            continue  # closed above this zone after its first test: not a ceiling
        seg_l = l[start:]
        lmin = float(seg_l.min())
        stol = max(p.tol_pct * lmin, tol_atr * vol)
        late_lo = b.hi_day[w0 + start : end] > b.lo_day[w0 + start : end]  # high after low
        bottoms, _ = touch_episodes(
            -seg_l, -h[start:], -(lmin + stol), -(lmin + stol + pull_atr * vol), min_gap, False, late_lo
        )
        bottoms = bottoms + start
        bl = l[bottoms]
        level = _median(th)
        sup_level = _median(bl)
        depth = (level - sup_level) / level * 100.0
        weeks = (b.day[w0 + n - 1] - b.day[w0 + start]) / 7.0
        reason = ""
        recent = min_gap  # bars
        earlier_lows = seg_l[:-recent] if len(seg_l) > recent else seg_l[:0]
        if len(earlier_lows) and lmin < float(earlier_lows.min()) - stol:
            reason = "price is breaking down to new lows"
        elif len(tests) < p.min_tests:
            reason = f"resistance near {top:.2f} was tested only once"
        elif weeks < p.min_weeks:
            reason = f"range is only {weeks:.1f} weeks old"
        elif depth > p.max_depth_pct:
            reason = f"range is {depth:.0f}% deep, too deep for a base"
        if reason:
            why = why or reason
            continue
        # the nearest ceiling above price that qualifies is the live base
        return Structure(
            start=w0 + start,
            end=end,
            top=top,
            zone_low=float(th.min()),
            level=level,
            tests=tests + w0,
            sup_low=lmin,
            sup_high=float(bl.max()),
            sup_level=sup_level,
            tol=tol,
            touch_line=line,
            buffer=p.buffer_pct * top,
            depth_pct=depth,
            weeks=float(weeks),
        )
    return why or "no resistance level found"
