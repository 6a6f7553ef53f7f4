"""The structural half of base detection: levels, tests, start and support of the bases that
end at a given bar (``Ceilings``, examined lazily). No status here (see ``finder.py``).

Idea: a base's resistance is its ceiling, the highest high since the base started, and the
base started on the bar after the last daily close above that ceiling (or, after a prior rise,
at the first touch of it). Scanning backwards from the end bar, the possible ceilings are the
"backward records" (highs above every later high), so only a handful of candidates exist.
Each candidate gets its distinct tests (touch episodes separated by real pullbacks) and
support (the cluster of lows near the lowest low since the start).

Two scales come out of one set of ceilings:

* the **nearest** base — the lowest qualifying ceiling of the last ~3 years: the one price
  has to clear next;
* the **major** base — the highest qualifying ceiling of the last 30 years that price is
  within reach of (the all-time high when it is near): the level a trader draws on a
  multi-year chart. It is reported only when it is a different, higher ceiling.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, overload

import numpy as np

from bot.analysis.bars import BarArrays
from bot.analysis.base.params import BaseParams
from bot.analysis.base.pivots import touch_episodes
from bot.analysis.models import NoBase


@dataclass(frozen=True)
class Support:
    """The floor of a base: the cluster of lows near its lowest low, and the depth it gives."""

    low: float
    high: float
    level: float
    depth_pct: float


# What a candidate compared the window's last bar with (``_Reads.frozen``): the (touch, pullback)
# line of each pass, the close that ends the box, the box's lowest low before the last bar.
FrozenReads = tuple[tuple[tuple[float, float], ...], float | None, float | None]
# How a last bar compares with them (``_Reads.view``): per line (touches, pulls back, pullback
# after the high) or (touches,); the high if it touches; whether its close ends the box; its low.
ReadsView = tuple[tuple[tuple[bool | None, ...], ...], float | None, bool | None, tuple[str] | tuple[str, float] | None]
# Per ceiling (window position of its record high) examined: its structure, or why there is none
# as a plain tuple of NoBase's fields (``_Window.cached``).
Candidates = dict[int, "Structure | tuple[Any, ...]"]


@dataclass
class Structure:
    """A candidate base on bars [start, end) of the analysis arrays (absolute positions).

    Its support is worked out on first use, by the window it was found in (``win``, with
    ``support_args``): most candidates are turned down on their tests or length before
    anyone asks how deep they are. ``weeks`` is its length to the window's last bar.
    """

    start: int
    end: int
    top: float
    zone_low: float
    level: float
    tests: np.ndarray
    tol: float
    buffer: float
    weeks: float = field(default=0.0, compare=False)
    win: _Window | None = field(default=None, repr=False, compare=False)
    support_args: tuple[int, float, float, float] | tuple[()] = field(default=(), repr=False, compare=False)
    _support: Support | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def breakout_line(self) -> float:
        return self.top + self.buffer

    @property
    def support(self) -> Support:
        if self._support is None:
            assert self.win is not None and self.support_args, "a structure's support is worked out in its window"
            self._support = self.win.support(*self.support_args)
        return self._support

    @property
    def sup_low(self) -> float:
        return self.support.low

    @property
    def sup_high(self) -> float:
        return self.support.high

    @property
    def sup_level(self) -> float:
        return self.support.level

    @property
    def depth_pct(self) -> float:
        return self.support.depth_pct


@dataclass
class _Reads:
    """What a candidate compared the window's last bar with. It reads the last bar only
    through these comparisons (and the bar's high when it touches), so a window on the same
    bars with another last bar (the same week, a day later) gets the same candidate when
    that bar compares the same way: see ``_Window.inherit``."""

    lines: list[tuple[float, float]] = field(default_factory=list)  # (touch, pullback) line of each pass
    close_above: float | None = None  # a close above this ends the box
    low_before: float | None = None  # the box's lowest low before the last bar

    def frozen(self) -> FrozenReads:
        """The thresholds as a tuple of floats (kept per candidate: a tuple of numbers costs
        the garbage collector nothing)."""
        return tuple(self.lines), self.close_above, self.low_before

    @staticmethod
    def view(frozen: FrozenReads, high: float, low: float, cmax: float, late: bool) -> ReadsView:
        """How a last bar with these values compares with the ``frozen`` thresholds."""
        lines, close_above, low_before = frozen
        # Per touch line: whether the bar touches it and, only if it does, whether it also
        # pulls back (and whether that pullback came after the high). A pullback on a last bar
        # that does not touch ends the last episode, which matters only when the last bar is
        # itself a test (whether the test is still in progress).
        per_line: list[tuple[bool | None, ...]] = []
        touching = False
        for line, pull in lines:
            if high >= line:
                touching = True
                back = bool(low <= pull)
                per_line.append((True, back, late if back else None))
            else:
                per_line.append((False,))
        lowest: tuple[str] | tuple[str, float] | None = None
        if low_before is not None:
            lowest = ("not lower",) if low >= low_before else ("lowest", low)
        return (
            tuple(per_line),
            high if touching else None,
            None if close_above is None else bool(cmax > close_above),
            lowest,
        )


@dataclass(frozen=True)
class _Rules:
    min_weeks: float
    max_depth_pct: float
    min_tests: int


def _median(x: np.ndarray) -> float:
    """Median of a small array (faster than np.median for a handful of values)."""
    v = sorted(x.tolist())
    m = len(v) // 2
    return float(v[m]) if len(v) % 2 else (v[m - 1] + v[m]) / 2.0


def _settings(p: BaseParams, weekly: bool) -> tuple[int, int, float, float, int]:
    if weekly:
        return p.lookback_weeks, p.vol_window_weekly, p.tol_atr_weekly, p.pullback_atr_weekly, p.min_test_gap_weekly
    return p.lookback_days, p.vol_window_daily, p.tol_atr_daily, p.pullback_atr_daily, p.min_test_gap_daily


def _records(h: np.ndarray) -> np.ndarray:
    """Positions of highs above every later high, nearest (lowest) first."""
    n = len(h)
    rev = np.maximum.accumulate(h[::-1])[::-1]
    later = np.empty(n)
    later[:-1] = rev[1:]
    later[-1] = -np.inf
    return np.flatnonzero(h > later)[::-1]


class _Window:
    """Bars [w0, end) and what every candidate ceiling in them shares."""

    def __init__(self, b: BarArrays, atrv: np.ndarray, end: int, lookback: int, p: BaseParams, weekly: bool):
        _, volwin, self.tol_atr, pull_atr, self.min_gap = _settings(p, weekly)
        self.b, self.end, self.p = b, end, p
        self.w0 = w0 = max(0, end - lookback)
        self.h = b.high[w0:end]
        self.l = b.low[w0:end]
        self.c = b.close[w0:end]
        self.cmax = b.cmax[w0:end]
        self.n = len(self.h)
        self.vol = _median(atrv[max(w0, end - volwin) : end]) if self.n else 0.0
        self.late_all = b.lo_day[w0:end] > b.hi_day[w0:end]  # the bar's low came after its high
        self.reset_gap = pull_atr * self.vol
        self.pull_atr = pull_atr
        self._records: np.ndarray | None = None
        self._starts: dict[int, tuple[int, int, bool]] = {}
        # per ceiling examined: the thresholds its candidate compared the last bar with
        self._reads: dict[int, FrozenReads] = {}

    def read_from(self, b: BarArrays) -> None:
        """Read from ``b`` from now on: arrays equal to this window's over its bars (another
        call's: see ``Ceilings.share``); what it worked out so far, and the bases bound to it,
        stay as they are."""
        self.b = b
        self.h, self.l, self.c, self.cmax = (x[self.w0 : self.end] for x in (b.high, b.low, b.close, b.cmax))

    def last_bar(self) -> tuple[float, float, float, bool]:
        """(high, low, highest close, low after high) of the window's last bar."""
        k = self.n - 1
        return float(self.h[k]), float(self.l[k]), float(self.cmax[k]), bool(self.late_all[k])

    def inherit(self, prev: _Window, prev_memo: Candidates, memo: Candidates) -> None:
        """Take into ``memo`` the candidates ``prev`` (a window on the same bars but for the
        last one: the same week, built a day earlier) worked out that cannot differ here:
        under a ceiling other than the last bar's, where the last bar compares with every
        threshold the candidate read the same way in both (``_Reads``). Everything else a
        candidate reads ends before the last bar, or is the volatility, which must be equal.
        A base's length in weeks is counted to the new last day, and its support is worked
        out afresh (lazily) on these bars."""
        if prev.w0 != self.w0 or prev.end != self.end or prev.vol != self.vol or self.n < 2:
            return
        last = self.n - 1
        mine, theirs = self.last_bar(), prev.last_bar()
        self._starts.update((r, v) for r, v in prev._starts.items() if r < last)
        for r, got in prev_memo.items():
            reads = prev._reads.get(r)
            if r >= last or reads is None or _Reads.view(reads, *mine) != _Reads.view(reads, *theirs):
                continue
            if isinstance(got, Structure):
                weeks = (self.b.day[self.end - 1] - self.b.day[got.start]) / 7.0  # as ``candidate`` counts
                got = replace(got, weeks=float(weeks), win=self)
            memo[r] = got
            self._reads[r] = reads

    def tol(self, v: float) -> float:
        """How close to a ceiling ``v`` a high touches it."""
        return max(self.p.tol_pct * v, self.tol_atr * self.vol)

    def loosest_top(self, v: float) -> float:
        """The lowest top any base under a record high ``v`` can have: ``candidate`` re-centres
        its touch line at most 3 tolerances under the record. It grows with ``v``."""
        return v - 3 * self.tol(v)

    def top_floor(self, r: int) -> float:
        """The lowest top a base under the record high at window position ``r`` can have.

        ``candidate`` re-centres its touch line at most 3 tolerances under the record, so
        every test high, and the top, is at least that. Tighter: the record bar is itself a
        touch, and the test of its episode is at least as high, so the top is the record
        unless that test is the live last bar (the record is the newest bar) or the episode
        is the base's left side (price came down from above, ``skip_first``, and no pullback
        came before the record). Nothing here reads beyond what ``candidate`` reads."""
        v = float(self.h[r])
        loose = self.loosest_top(v)
        if r == self.n - 1:
            return loose
        _, s2, from_above = self.starts(r, v, self.tol(v))
        if not from_above:
            return v  # no left side is skipped
        if s2 < r and float(self.l[s2:r].min()) <= loose - self.reset_gap:
            return v  # a pullback under any re-centred line before the record: a later episode
        return loose

    def starts(self, r: int, v: float, tol: float) -> tuple[int, int, bool]:
        """(s, s2, from_above) of the ceiling at window position ``r`` (high ``v``): s is the bar
        after the last close above the band before r (closes inside the tolerance band do not
        end a base), s2 the bar after the last intrabar spike above it from s on (tests only
        count after them), from_above whether such a close exists."""
        got = self._starts.get(r)
        if got is None:
            above = np.flatnonzero(self.c[:r] > (v + tol) * (1 + self.p.buffer_pct))
            from_above = len(above) > 0
            s = int(above[-1]) + 1 if from_above else 0
            spikes = np.flatnonzero(self.h[s:r] > v + tol)
            s2 = s + int(spikes[-1]) + 1 if len(spikes) else s
            got = self._starts[r] = (s, s2, from_above)
        return got

    def records(self) -> np.ndarray:
        if self._records is None:
            self._records = _records(self.h)
        return self._records

    def cached(self, r: int, rules: _Rules, memo: Candidates) -> Structure | NoBase:
        """``candidate`` once per ceiling: the structure does not depend on the rules, only
        whether it qualifies does."""
        kept = memo.get(r)
        got: Structure | NoBase
        if kept is None:
            got = self.candidate(r)
            # why a candidate failed is kept as a plain tuple of numbers: one object fewer per
            # ceiling for the garbage collector to walk (it stops tracking such tuples)
            memo[r] = got if isinstance(got, Structure) else tuple(getattr(got, f) for f in _NO_BASE_FIELDS)
        else:
            got = kept if isinstance(kept, Structure) else NoBase(*kept)
        if isinstance(got, Structure):
            s = got
            if len(s.tests) < rules.min_tests:
                return NoBase("too_few_tests", price=s.top, tests=len(s.tests))
            if s.weeks < rules.min_weeks:
                return NoBase("too_young", weeks=s.weeks)
            # (a depth is below 100 % while prices are positive: no need to work it out then)
            if rules.max_depth_pct < 100.0 and s.depth_pct > rules.max_depth_pct:
                return NoBase("too_deep", depth_pct=s.depth_pct)
            return s
        return got

    def candidate(self, r: int) -> Structure | NoBase:
        """The base under the record high at window position ``r``, or why there is none; the
        rules of each scale (tests, length, depth) are the caller's."""
        reads = _Reads()
        try:
            return self._candidate(r, reads)
        finally:
            self._reads[r] = reads.frozen()

    def _candidate(self, r: int, reads: _Reads) -> Structure | NoBase:
        p, h, l, n = self.p, self.h, self.l, self.n
        buf = 1 + p.buffer_pct
        v = float(h[r])
        tol = self.tol(v)
        s, s2, from_above = self.starts(r, v, tol)
        # pass 1 gathers touches in a wide band under the ceiling; pass 2 re-centres the band
        # on their median, so one poke above the old highs (often the live test) does not
        # push the earlier tests out of the zone
        line = v - 2 * tol
        min_gap, reset_gap = self.min_gap, self.reset_gap
        reads.lines.append((line, line - reset_gap))
        # cheap necessary condition for two tests: touches at least min_gap bars apart with
        # a pullback bar between the first and the last
        tp = np.flatnonzero(h[s2:] >= line)
        if tp[-1] - tp[0] < min_gap or not (l[s2 + tp[0] : s2 + tp[-1]] <= line - reset_gap).any():
            return NoBase("tested_once", price=v)
        late_hi = self.late_all[s2:]
        tests, live = touch_episodes(h[s2:], l[s2:], line, line - reset_gap, min_gap, from_above, late_hi, tp)
        if len(tests) == 0:
            return NoBase("tested_once", price=v)
        if len(tests) > 1:
            line = _median(h[s2 + tests]) - tol
            reads.lines.append((line, line - reset_gap))
            tests, live = touch_episodes(h[s2:], l[s2:], line, line - reset_gap, min_gap, from_above, late_hi)
            if len(tests) == 0:
                return NoBase("tested_once", price=v)
        tests = tests + s2
        # a test still in progress counts, but only completed tests define the top, so a
        # live poke above the old highs does not drag the breakout line up with it
        defining = tests[:-1] if live and len(tests) > 1 and tests[-1] == n - 1 else tests
        th = h[defining]
        top = float(th.max())
        # a test's high lies in the zone: [lowest, highest] completed test high; with a single
        # completed test (an old high and the approach to it) the zone reaches down to the
        # approach. A test in progress under a zone of several tests has not reached it yet.
        if live and len(defining) > 1 and h[tests[-1]] < th.min():
            tests = defining
        zone_low = float(th.min()) if len(defining) > 1 else float(h[tests].min())
        # no daily close above the zone (+ buffer) from the first test on: else it is no ceiling
        reads.close_above = top * buf
        if (self.cmax[int(tests[0]) : n] > top * buf).any():
            return NoBase("closed_above", price=top)
        if len(tests) < 2:
            return NoBase("tested_once", price=top)
        # the box starts after the last daily close above it, so price really stayed inside
        pre = np.flatnonzero(self.cmax[: int(tests[0])] > top * buf)
        start = int(pre[-1]) + 1 if len(pre) else int(tests[0])
        seg_l = l[start:]
        lmin = float(seg_l.min())
        reads.low_before = float(seg_l[:-1].min()) if len(seg_l) > 1 else np.inf
        stol = max(p.tol_pct * lmin, self.tol_atr * self.vol)
        recent = min_gap  # bars
        if len(seg_l) > recent and lmin < float(seg_l[:-recent].min()) - stol:
            return NoBase("breaking_down")
        b, w0, end = self.b, self.w0, self.end
        level = _median(th)
        weeks = (b.day[w0 + n - 1] - b.day[w0 + start]) / 7.0
        found = Structure(
            start=w0 + start,
            end=end,
            top=top,
            zone_low=zone_low,
            level=level,
            tests=tests + w0,
            tol=tol,
            buffer=p.buffer_pct * top,
            weeks=float(weeks),
            win=self,
            support_args=(start, lmin, stol, level),
        )
        return found

    def support(self, start: int, lmin: float, stol: float, level: float) -> Support:
        """The support of a base starting at window position ``start`` whose lowest low is
        ``lmin``: the bottoms (touch episodes of the lows within ``stol`` of it)."""
        b, w0, end, l, h = self.b, self.w0, self.end, self.l, self.h
        late_lo = b.hi_day[w0 + start : end] > b.lo_day[w0 + start : end]  # high after low
        bottoms, _ = touch_episodes(
            -l[start:], -h[start:], -(lmin + stol), -(lmin + stol + self.pull_atr * self.vol), self.min_gap, False,
            late_lo,
        )
        bl = l[bottoms + start]
        sup_level = _median(bl)
        return Support(low=lmin, high=float(bl.max()), level=sup_level, depth_pct=(level - sup_level) / level * 100.0)


class Ceilings:
    """The candidate ceilings of the bars that end at bar ``end - 1``, each examined at most
    once and only when asked for: the nearest base, the major one (weekly), or just whether
    a close could be a breakout of either."""

    def __init__(self, b: BarArrays, atrv: np.ndarray, end: int, p: BaseParams, weekly: bool,
                 prev: Ceilings | None = None):
        """``prev``: the ceilings of the same bars but for the last one (its week a day
        earlier), whose candidates this one takes over where they cannot differ."""
        self.p, self.weekly = p, weekly
        self.lookback = p.lookback_weeks if weekly else p.lookback_days
        span = max(p.major_lookback_weeks, p.lookback_weeks) if weekly else p.lookback_days
        self.win = _Window(b, atrv, end, span, p, weekly)
        self.bars = b  # the arrays the structures' positions index
        self.memo: Candidates = {}
        if prev is not None:
            self.win.inherit(prev.win, prev.memo, self.memo)
        self._nearest: Structure | NoBase | None = None
        self._major: tuple[Structure | None] | None = None
        self._under: dict[tuple[int, float], Structure | None] = {}

    @property
    def end(self) -> int:
        """How many bars of its arrays these ceilings read."""
        return self.win.end

    def share(self, b: BarArrays) -> None:
        """Read from ``b`` from now on: arrays equal to this one's up to its end (check with
        ``same_bars``), from a later call, so that the bases a caller keeps between calls
        hold one set of arrays, not one per call."""
        self.win.read_from(b)
        self.bars = b

    def nearest(self) -> Structure | NoBase:
        """The lowest qualifying ceiling of the look-back, or why there is none."""
        if self._nearest is None:
            self._nearest = _nearest(self.win, self.lookback, self.p, self.memo)
        return self._nearest

    def major(self) -> Structure | None:
        """The highest qualifying ceiling within reach, above the nearest base (weekly only)."""
        if not self.weekly:
            return None
        if self._major is None:
            near = self.nearest()
            # a major base is a higher ceiling than the nearest one, or the same one tested longer
            floor = near.top - near.tol if isinstance(near, Structure) else -np.inf
            self._major = (_major(self.win, self.p, self.memo, floor),)
        return self._major[0]

    def settle(self) -> None:
        """Drop the candidates examined so far (kept: the answers given, ``under``'s included);
        they are worked out again if asked for."""
        if self.memo or self.win._starts or self.win._reads:
            self.memo = {}
            self.win._starts, self.win._reads = {}, {}

    def under(self, scale: int, close: float) -> Structure | None:
        """``nearest_under`` (scale 0) or ``major_under`` (1), each answered once per close: a
        memo keeps these ceilings, and the same close asks again on the next days."""
        key = (scale, close)
        if key not in self._under:
            self._under[key] = self.nearest_under(close) if scale == 0 else self.major_under(close)
        return self._under[key]

    def nearest_under(self, close: float) -> Structure | None:
        """The nearest base if ``close`` could be its breakout, else None. Ceilings too high
        for that are not examined: a top is at least 3 tolerances under its record high."""
        if self._nearest is None:
            got = _nearest(self.win, self.lookback, self.p, self.memo, close)
            if got is None:
                return None  # stopped under ceilings that close cannot break
            self._nearest = got
        return self._nearest if isinstance(self._nearest, Structure) else None

    def major_under(self, close: float) -> Structure | None:
        """The major base if ``close`` could be its breakout, else None. The major base is the
        highest qualifying ceiling, so unless one of the ceilings ``close`` could break
        qualifies (few: they lie just above price) there is no breakout, and the higher
        ceilings and the nearest base are not examined."""
        if self._major is None:
            win, p = self.win, self.p
            rules = _major_rules(p)
            reach = _reach(win, p)
            for r in win.records().tolist():  # lowest first
                v = float(win.h[r])
                if v > reach or not _breakable(win.loosest_top(v), close, p):
                    return None  # no breakable ceiling qualifies
                if _breakable(win.top_floor(r), close, p) and isinstance(win.cached(r, rules, self.memo), Structure):
                    break
            else:
                return None
            # the major base is the highest qualifying ceiling, if above the nearest base: when
            # that ceiling is out of reach of close there is no breakout, whatever the nearest
            highest = _major(win, p, self.memo)
            if highest is None or not _breakable(highest.top, close, p):
                return None
        return self.major()


def _breakable(top: float, close: float, p: BaseParams) -> bool:
    """Whether a close may lie above a base top's breakout line (float margin included)."""
    return top * (1 + p.buffer_pct) < close * (1 + ROUNDING)


# The shortcuts skip a ceiling or a close only when it is clearly out of reach: this relative
# margin covers the rounding of x * buf / buf.
ROUNDING = 1e-9

_NO_BASE_FIELDS = tuple(f.name for f in fields(NoBase))
_BAR_FIELDS = ("day", "high", "low", "close", "hi_day", "lo_day", "cmax")


def same_bars(a: BarArrays, b: BarArrays) -> int:
    """How many leading bars ``a`` and ``b`` hold equal (every field the ceilings read)."""
    n = min(len(a), len(b))
    for f in _BAR_FIELDS:
        x, y = getattr(a, f)[:n], getattr(b, f)[:n]
        # the common cases at memcmp speed: all equal, or all but the last (a week that grew)
        if x.tobytes() == y.tobytes():
            continue
        if n and x[:-1].tobytes() == y[:-1].tobytes():
            n -= 1  # (a last value equal in another bit pattern, -0.0 or a NaN, counts as changed)
            continue
        differ = np.flatnonzero((x != y) & ~(np.isnan(x) & np.isnan(y)) if x.dtype.kind == "f" else x != y)
        if len(differ):
            n = int(differ[0])
    return n


@overload
def _nearest(win: _Window, lookback: int, p: BaseParams, memo: Candidates, close: None = None) -> Structure | NoBase: ...
@overload
def _nearest(win: _Window, lookback: int, p: BaseParams, memo: Candidates, close: float) -> Structure | NoBase | None: ...
def _nearest(win: _Window, lookback: int, p: BaseParams, memo: Candidates, close: float | None = None) -> Structure | NoBase | None:
    """The lowest qualifying ceiling among the records of the last ``lookback`` bars. With
    ``close``: None as soon as the ceilings left are too high for that close to break."""
    if win.n < 3:
        return NoBase("too_few_bars")
    rules = _Rules(p.min_weeks, p.max_depth_pct, p.min_tests)
    last_close = win.c[-1]
    first = win.n - lookback
    why: NoBase | None = None
    walk = []
    for r in win.records().tolist():
        if r < first:
            break  # older records are higher still, and outside the nearest base's look-back
        v = win.h[r]
        if (v - last_close) / v * 100.0 > p.max_depth_pct:
            break  # every further record is higher still
        walk.append(r)
    if close is not None:
        # only the ceilings up to the last one whose top close could break can matter: if
        # none before it qualifies, the nearest base (if any) is too high for a breakout
        can = [_breakable(win.top_floor(r), close, p) for r in _breakable_prefix(win, walk, close, p)]
        if True not in can:
            return None
        walk = walk[: len(can) - can[::-1].index(True)]
    for r in walk:
        s = win.cached(r, rules, memo)
        if isinstance(s, Structure):
            return s  # the nearest ceiling above price that qualifies is the live base
        why = why or s
    if close is not None:
        return None  # the walk was cut short: why there is no base is not known
    return why or NoBase("no_resistance")


def _breakable_prefix(win: _Window, walk: list[int], close: float, p: BaseParams) -> list[int]:
    """The ceilings of ``walk`` (lowest first) whose loosest top floor, 3 tolerances under the
    record, ``close`` could break: a prefix, as that floor grows with the record."""
    out = []
    for r in walk:
        if not _breakable(win.loosest_top(float(win.h[r])), close, p):
            break
        out.append(r)
    return out


def _major(win: _Window, p: BaseParams, memo: Candidates, floor: float = -np.inf) -> Structure | None:
    """The highest qualifying ceiling within ``major_reach_pct`` of the last close and above
    ``floor``, or None."""
    if win.n < 3:
        return None
    rules = _major_rules(p)
    reach = _reach(win, p)
    for r in win.records()[::-1].tolist():  # highest first
        if win.h[r] > reach:
            continue
        if win.h[r] < floor:
            return None  # lower ceilings are the nearest base's business
        s = win.cached(r, rules, memo)
        if isinstance(s, Structure):
            return s
    return None


def _major_rules(p: BaseParams) -> _Rules:
    return _Rules(p.major_min_weeks, p.major_max_depth_pct, p.major_min_tests)


def _reach(win: _Window, p: BaseParams) -> float:
    """The highest ceiling a major base may have: within ``major_reach_pct`` of the last close."""
    return float(win.c[-1]) / (1 - p.major_reach_pct / 100.0)
