"""``find_base``: the ticker's bases (ranges it keeps failing to clear) and where price stands.

Structure (levels, tests, start, support) comes from weekly or daily bars via
:mod:`bot.analysis.base.scan`, at two scales on the weekly timeframe: the nearest base and the
major one (a higher, older ceiling, often the all-time high). The status of each (breakout /
failed / faded) is judged on daily closes, like the event engine, so a breakout is seen on the
day it happens even mid-week. Only bars dated <= ``as_of`` are ever read.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace
from datetime import date
from typing import Literal, overload

import numpy as np
import pandas as pd

from bot.analysis.bars import BarArrays, daily_arrays, date_to_day, day_to_date, to_weekly
from bot.analysis.base.carry import analysis_arrays, check_bars
from bot.analysis.base.memo import FinderMemo, FreshCloses
from bot.analysis.base.params import BaseParams
from bot.analysis.base.scan import ROUNDING, Ceilings, Structure, same_bars
from bot.analysis.models import BaseResult, BaseStatus, Level, NoBase, RecordHigh, Scale, Test, Timeframe
from bot.errors import BadArgument, NotEnoughData

__all__ = ["BaseParams", "FinderMemo", "find_base", "chart_window", "forget_before", "settle", "share_arrays"]

# A breakout close is above every daily close since the base's first test (the box rule),
# which is at least 4 weeks before its last: only closes above the prior 15 are candidates.
_PRIOR_CLOSE_DAYS = 15
# "at a record high": the last close within this of the all-time high, no ceiling above
_RECORD_NEAR = 0.97
_DEFAULTS = BaseParams()  # one object: memo keys compare by identity before field by field

# A breakout of the last ``scan_days`` and its fate (``_recent_event``): (status, breakout day
# position, the base, the arrays its positions index, failing day position or None, attempt)
RecentEvent = tuple[BaseStatus, int, Structure, BarArrays, "int | None", int]


def _span(daily: pd.DataFrame, as_of: date | None, keep: int, days: np.ndarray | None) -> tuple[int, int]:
    """Positions [start, end) of the bars dated <= as_of, of which only the last ``keep``
    (``days``: the frame's day numbers, if the caller has them)."""
    end = len(daily)
    if as_of is not None:
        if days is None:
            end = int(daily.index.searchsorted(pd.Timestamp(as_of), side="right"))
        else:
            end = int(days.searchsorted(date_to_day(as_of), side="right"))
    return max(0, end - keep), end


class _Analyzer:
    """Holds the arrays of one call and evaluates the bases as of any day position."""

    def __init__(self, d: BarArrays, weekly: bool, p: BaseParams, memo: FinderMemo | None = None):
        self.d = d
        self.weekly = weekly
        self.p = p
        # a memo kept between calls is emptied first if its bars changed (check_bars)
        shared = check_bars(memo, d) if memo is not None else 0
        self.bars, self.atrv = analysis_arrays(d, weekly, p.atr_n, memo, shared)
        # structures by the day they are built through: shared by the calls of one replay
        # (same first bar, so the same positions), else private to this call
        self._memo = memo if memo is not None else FinderMemo()
        self._key = (p, weekly, int(d.day[0]), float(d.close[0]))
        self._fresh: dict[int, tuple[int, set[int]]] = {}

    def line_day(self, j: int) -> int:
        """The day whose base a close on day j is judged against: weekly, the last day of the
        previous week (the lines a trader draws on the weekly chart and watches all week);
        daily, the day before."""
        if not self.weekly:
            return j - 1
        w = int(self.week_of(j))
        return int(np.searchsorted(self.d.day, self.bars.day[w - 1], side="right")) - 1 if w else -1

    @overload
    def week_of(self, j: int) -> np.intp: ...
    @overload
    def week_of(self, j: np.ndarray) -> np.ndarray: ...
    def week_of(self, j: int | np.ndarray) -> np.intp | np.ndarray:
        """Weekly position of the day (or days) at daily position ``j``: the first week whose
        last day is not before it."""
        pos: np.intp | np.ndarray = np.searchsorted(self.bars.day, self.d.day[j])
        return pos

    def fresh_closes(self, scale: int) -> tuple[int, set[int]]:
        """(first day position of the last ``scan_days``, the days among them whose close could
        be a breakout of the base at ``scale``).

        The rule: a breakout close is above the ``_PRIOR_CLOSE_DAYS`` closes before it, and
        its breakout line lies between those closes and it. Of such closes, only those that
        pass a cheap necessary condition build the bases. With k the line day: no close from
        the base's start through k went above its top + buffer (the box rule), and the start
        is at least (min_tests - 1) test gaps of bars and ``min_weeks`` weeks before k; so
        every bar of that stretch closed below the breakout close, and the top is the high of
        a bar after the last one that closed at or above it, in [max(the stretch's closes,
        the prior closes) / buf, close / buf). ``tests/analysis/base/test_shortcuts.py``
        checks the answers against the rule alone.
        """
        got = self._fresh.get(scale)
        if got is not None:
            return got
        n = len(self.d) - 1
        lo = max(_PRIOR_CLOSE_DAYS, n - self.p.scan_days + 1)
        scales = (0, 1) if self.weekly else (0,)
        if lo > n:
            for s in scales:
                self._fresh[s] = (lo, set())
            return self._fresh[scale]
        days = self.d.day[lo : n + 1].tolist()
        # whether a day's close passes depends on the bars through that day only: a memo kept
        # between calls (checked by check_bars) remembers the days worked out and those that
        # passed at each scale, so only new days are worked out
        fresh = self._memo.fresh.get((self.p, self.weekly))
        if fresh is None:
            fresh = self._memo.fresh[(self.p, self.weekly)] = FreshCloses(passed={s: set() for s in scales})
        known, passed = fresh.known, fresh.passed
        todo = [j for j, d in enumerate(days, lo) if d not in known]
        if len(todo) > 3:
            cands = self._fresh_candidates(np.asarray(todo, dtype=np.int64))
            for s in scales:
                passed[s].update(days[j - lo] for j in self._fresh_flags(s, *cands))
        else:  # (the next day of a kept memo: one day at a time, without building matrices)
            for j in todo:
                for s in self._fresh_one(j, scales):
                    passed[s].add(days[j - lo])
        known.update(days[j - lo] for j in todo)
        first = days[0]
        if min(known) < first:  # days before the scan days: no later call asks
            known.intersection_update(days)
            for s in scales:
                passed[s].intersection_update(days)
        for s in scales:
            self._fresh[s] = (lo, {lo + bisect_left(days, d) for d in passed[s] if d >= first})
        return self._fresh[scale]

    def _stretch(self, scale: int) -> tuple[int, float]:
        """(bars, weeks) the box at ``scale`` spans at least before its line bar: (min_tests - 1)
        test gaps of bars and ``min_weeks`` weeks."""
        p = self.p
        gap = p.min_test_gap_weekly if self.weekly else p.min_test_gap_daily
        tests, weeks = (p.major_min_tests, p.major_min_weeks) if scale else (p.min_tests, p.min_weeks)
        return gap * max(1, tests - 1), weeks

    def _fresh_one(self, j: int, scales: tuple[int, ...]) -> list[int]:
        """The scales at which day j's close passes: ``_fresh_candidates`` and ``_fresh_flags``
        for one day (the same comparisons, in the same order of operations)."""
        close, p = self.d.close, self.p
        c = float(close[j])
        prior = float(close[j - _PRIOR_CLOSE_DAYS : j].max())
        if not c > prior:
            return []
        k = int(self.week_of(j)) - 1 if self.weekly else j - 1
        if k < 0:
            return []
        day, cmax, high = self.bars.day, self.bars.cmax, self.bars.high
        above = np.flatnonzero(cmax[: k + 1] >= c)
        first = int(above[-1]) + 1 if len(above) else 0
        buf = 1 + p.buffer_pct
        out = []
        for scale in scales:
            bars, weeks = self._stretch(scale)
            by_days = int(np.searchsorted(day, day[k] - 7.0 * weeks, side="right")) - 1
            latest = min(k - bars, by_days)
            if latest < 0 or first > latest:
                continue
            floor = max(prior, float(cmax[latest : k + 1].max())) / buf * (1 - ROUNDING)
            ceiling = c / buf * (1 + ROUNDING)
            h = high[first : k + 1]
            if ((h >= floor) & (h < ceiling)).any():
                out.append(scale)
        return out

    def _fresh_flags(self, scale: int, js: np.ndarray, ks: np.ndarray, prior: np.ndarray, first: np.ndarray) -> set[int]:
        """The days of ``js`` (closing above their ``prior`` closes, line bars ``ks``, ``first``
        bar after the last close at or above theirs) that pass the necessary condition."""
        buf = 1 + self.p.buffer_pct
        bars, weeks = self._stretch(scale)
        day, cmax, high = self.bars.day, self.bars.cmax, self.bars.high
        # the latest possible start: gap * (tests - 1) bars, and the last bar min_weeks weeks, before k
        by_days = np.searchsorted(day, day[ks] - 7.0 * weeks, side="right") - 1
        latest = np.minimum(ks - bars, by_days)
        ok = (latest >= 0) & (first <= latest)
        js, ks, prior, first, latest = js[ok], ks[ok], prior[ok], first[ok], latest[ok]
        if not len(js):
            return set()
        # (one row per day, one column per bar of the span, all at once)
        a, b = int(latest.min()), int(ks.max()) + 1
        pos = np.arange(a, b)
        stretch = (pos >= latest[:, None]) & (pos <= ks[:, None])
        box = np.where(stretch, cmax[a:b], -np.inf).max(axis=1)
        floor = np.maximum(prior, box) / buf * (1 - ROUNDING)
        ceiling = self.d.close[js] / buf * (1 + ROUNDING)
        a = int(first.min())
        pos, h = np.arange(a, b), high[a:b]
        inside = (pos >= first[:, None]) & (pos <= ks[:, None])
        band = inside & (h >= floor[:, None]) & (h < ceiling[:, None])
        return set(js[band.any(axis=1)].tolist())

    def _fresh_candidates(self, todo: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Of the days ``todo``, those closing above the ``_PRIOR_CLOSE_DAYS`` closes before
        them, with their line bars k, the high of those prior closes, and the bar after the
        last one up to k that closed at or above theirs; shared by both scales."""
        close = self.d.close
        prior = close[todo[:, None] - np.arange(_PRIOR_CLOSE_DAYS, 0, -1)[None, :]].max(axis=1)
        hit = close[todo] > prior
        js, prior = todo[hit], prior[hit]
        # line bars: weekly, the week before the close's week; daily, the day before
        ks = self.week_of(js) - 1 if self.weekly else js - 1
        ok = ks >= 0
        js, ks, prior = js[ok], ks[ok], prior[ok]
        first = np.zeros(len(js), dtype=np.int64)
        if len(js):
            span = self.bars.cmax[: int(ks.max()) + 1]
            pos = np.arange(len(span))
            at_or_above = (span[None, :] >= close[js][:, None]) & (pos[None, :] <= ks[:, None])
            first = np.where(at_or_above, pos, -1).max(axis=1) + 1
        return js, ks, prior, first

    def through(self, pos: int) -> tuple[Structure | NoBase, Structure | None, BarArrays]:
        """(nearest base or why there is none, major base or None, the arrays their positions
        index), built from daily bars [0, pos] inclusive."""
        c = self.ceilings(pos)
        return c.nearest(), c.major(), c.bars

    def breakable(self, pos: int, scale: int, close: float) -> tuple[Structure | None, BarArrays]:
        """(the base at ``scale`` (0 nearest, 1 major) built through ``pos`` when ``close``
        could be its breakout, else None; the arrays its positions index). Ceilings too high
        for that close are not examined."""
        c = self.ceilings(pos)
        return c.under(scale, close), c.bars

    def ceilings(self, pos: int) -> Ceilings:
        """The candidate ceilings of the bars through daily position ``pos``, examined lazily."""
        key = (*self._key, int(self.d.day[pos]), float(self.d.close[pos]))  # the data, not just its dates
        hit = self._memo.bases.get(key)
        if hit is None:
            prev = None
            if self.weekly:
                bars, atrv, end = self._weeks_through(pos)
                if pos > 0 and self.week_of(pos - 1) == self.week_of(pos):
                    # the day before in the same week: an earlier call's (the scan's yesterday)
                    prev = self._memo.bases.get((*self._key, int(self.d.day[pos - 1]), float(self.d.close[pos - 1])))
            else:
                bars, atrv, end = self.bars, self.atrv, pos + 1
            hit = self._memo.bases[key] = Ceilings(bars, atrv, end, self.p, self.weekly, prev)
        return hit

    def _weeks_through(self, pos: int) -> tuple[BarArrays, np.ndarray, int]:
        """The weekly arrays a base through daily position ``pos`` is built from: ``pos`` is the
        last day of its week (a week end, or the last bar, whose week is the partial last bar)."""
        k = int(self.week_of(pos))
        assert pos == len(self.d) - 1 or self.week_of(pos + 1) != k, "bases are built through week ends"
        return self.bars, self.atrv, k + 1


def share_arrays(memo: FinderMemo) -> None:
    """Let the bases a ``find_base`` memo keeps between calls read one set of arrays.

    Each call builds its own arrays, and the bases it adds to the memo read from them. After
    a call, the bases built through a week end that the newest call's arrays hold unchanged
    are pointed at those; the ones built through a day whose week was still open are dropped
    (no later call asks for them); the ones on bars revised since keep their own arrays."""
    kept = list(memo.bases.items())
    if not kept:
        return
    newest = max(kept, key=lambda kc: kc[0][-2])[1].bars
    equal: dict[int, int] = {}  # id of a call's arrays -> how many leading bars the newest has equal
    for key, c in kept:
        if c.bars is newest:
            continue
        if id(c.bars) not in equal:
            equal[id(c.bars)] = same_bars(c.bars, newest)
        if c.end <= equal[id(c.bars)]:
            c.share(newest)
        elif c.end >= len(c.bars):
            del memo.bases[key]


def settle(memo: FinderMemo, keep: int = 2) -> None:
    """Free the candidate work of all but the ``keep`` newest bases of a memo kept between
    calls (the newest day's, which the next day in its week takes over from, and the last
    week end's, the line day of the coming closes). An older one is asked again only about
    closes it has answered already (``Ceilings.under`` keeps the answers); anything else it
    works out again. Fewer objects kept: less for the garbage collector to walk."""
    bases = sorted(memo.bases, key=lambda k: k[-2])
    for key in bases[: max(0, len(bases) - keep)]:
        memo.bases[key].settle()


def forget_before(memo: FinderMemo, day: date) -> None:
    """Drop from a ``find_base`` memo the bases built through days before ``day``."""
    oldest = date_to_day(day)
    for key in [k for k in memo.bases if k[-2] < oldest]:
        del memo.bases[key]


def _outcome(s: Structure, close: np.ndarray, j: int, n: int, p: BaseParams) -> tuple[int, Literal["failed", "faded"]] | None:
    """First daily position after breakout day j where the breakout failed (within
    ``failure_window_days``) or faded (later, within ``fade_window_days``): a close back below
    the zone, or ``failure_drop_pct`` below the breakout close."""
    end = min(n, j + p.fade_window_days)
    seg = close[j + 1 : end + 1]
    bad = np.flatnonzero((seg < s.zone_low - s.buffer) | (seg <= close[j] * (1 - p.failure_drop_pct / 100.0)))
    if not len(bad):
        return None
    f = j + 1 + int(bad[0])
    return f, ("failed" if f - j <= p.failure_window_days else "faded")


def _base_type(depth: float, p: BaseParams) -> str:
    if depth <= p.flat_max_depth_pct:
        return "flat"
    if depth <= p.consolidation_max_depth_pct:
        return "consolidation"
    return "loose"


def _recent_event(an: _Analyzer, scale: int, p: BaseParams) -> RecentEvent | None:
    """The newest breakout of the last ``scan_days`` bars of the base at ``scale`` (0 nearest,
    1 major), judged on daily closes against the base as it stood the day before, with its
    fate: (status, breakout pos, structure, bars, failing pos or None, attempt) or None."""
    d = an.d
    close = d.close
    n = len(d) - 1
    lo, fresh = an.fresh_closes(scale)
    if lo > n:
        return None
    event: RecentEvent | None = None
    rearmed: tuple[Structure, BarArrays] | None = None  # after a failed breakout the same base is re-armed (2nd attempt)
    attempt = 0
    skip_until = -1
    rearm_from = n + 1
    broken: set[tuple[int, float]] = set()  # bases whose breakout is already counted
    held: tuple[int, Structure] | None = None  # (day, base) of the last breakout that has not failed
    s: Structure | None
    max_attempts = p.major_max_attempts if scale else p.max_attempts
    for j in range(lo, n + 1):
        if j <= skip_until:
            continue
        if rearmed is not None and close[j] > rearmed[0].breakout_line and j > rearm_from:
            s, bars = rearmed
            attempt += 1
        elif j in fresh:
            s, bars = an.breakable(an.line_day(j), scale, float(close[j]))
            if s is None or close[j] <= s.breakout_line or (s.start, s.top) in broken:
                continue
            broken.add((s.start, s.top))
            if held is not None and j - held[0] <= p.stack_days and s.zone_low <= held[1].top * (1 + p.stack_pct / 100):
                continue  # a ceiling stacked right on the one just cleared: the same move, not news
            attempt = 1
        else:
            continue
        fate = _outcome(s, close, j, n, p)
        if fate is None:
            # held (so far): newer breakouts of other bases are looked for after it
            event = ("breakout", j, s, bars, None, attempt) if n - j < p.breakout_recent_days else None
            rearmed = None
            skip_until = j
            held = (j, s)
            continue
        held = None
        f, kind = fate
        event = (kind, j, s, bars, f, attempt) if n - f < p.failed_recent_days else None
        skip_until = f
        # a false breakout re-arms its base for one more attempt, whose line is above the false
        # breakout's high (the base's new top); a faded one has run its course
        rearmed = None
        if kind == "failed" and attempt < max_attempts:
            top = max(s.top, float(an.d.high[j : f + 1].max()))
            rearmed = (replace(s, top=top, buffer=p.buffer_pct * top), bars)
        rearm_from = max(j, f) + p.rearm_after_days
    return event


@overload
def find_base(daily: pd.DataFrame, as_of: date | None = None, *, timeframe: str = "weekly",
              params: BaseParams | None = None, memo: FinderMemo | None = None, arrays: BarArrays | None = None,
              only_if_event: Literal[False] = False) -> BaseResult: ...
@overload
def find_base(daily: pd.DataFrame, as_of: date | None = None, *, timeframe: str = "weekly",
              params: BaseParams | None = None, memo: FinderMemo | None = None, arrays: BarArrays | None = None,
              only_if_event: bool) -> BaseResult | None: ...
def find_base(
    daily: pd.DataFrame,
    as_of: date | None = None,
    *,
    timeframe: str = "weekly",
    params: BaseParams | None = None,
    memo: FinderMemo | None = None,
    arrays: BarArrays | None = None,
    only_if_event: bool = False,
) -> BaseResult | None:
    """Find the base of a daily OHLCV frame as of ``as_of`` (None = its last bar).

    ``memo`` (optional, a :class:`FinderMemo` the caller keeps between calls on growing prefixes
    of one frame, as a replay does) lets a call reuse the bases an earlier call built through the same
    day; the answer is the same with or without it. ``arrays`` (optional): the daily arrays
    (day, high, low, close) of all of ``daily``'s rows, when the caller holds them already (the
    event engine does), so the frame's columns are not read again.

    ``timeframe="weekly"`` builds the nearest base from W-FRI weeks over ~3 years and the major
    one over up to 30; ``"daily"`` the nearest from daily bars over ~1 year. Raises NotEnoughData on
    short histories and BadArgument on an unknown timeframe.

    ``only_if_event``: return None, without building the bases as of ``as_of``, when neither base
    (nearest, major) has a breakout in its last ``scan_days`` — so the status could not be
    breakout, failed or faded (the event engine's data-only replay, which asks for nothing else;
    ``tests/analysis/events/test_data_only.py`` checks it announces what the plain replay does).
    Otherwise the same answer as without it.
    """
    p = params or _DEFAULTS
    if timeframe not in ("weekly", "daily"):
        raise BadArgument(f"Unknown timeframe {timeframe!r}: use weekly or daily.")
    weekly = timeframe == "weekly"
    tf: Timeframe = "weekly" if weekly else "daily"
    if arrays is not None and len(arrays) != len(daily):
        raise ValueError(f"arrays of {len(arrays)} bars for a frame of {len(daily)}: they must be the frame's")
    start, end = _span(daily, as_of, p.history_bars(timeframe), None if arrays is None else arrays.day)
    need = p.min_days_weekly if weekly else p.min_days_daily
    if end - start < need:
        raise NotEnoughData(
            f"Need at least {need} daily bars for a {timeframe} base, have {end - start}"
            + (f" up to {as_of}." if as_of is not None else ".")
        )
    d = daily_arrays(daily, start, end, open_volume=False) if arrays is None else arrays.cut(start, end)
    an = _Analyzer(d, weekly, p, memo)
    n = len(d) - 1
    as_of_date = day_to_date(d.day[n]) if as_of is None else as_of
    near_event = _recent_event(an, 0, p)
    major_event = _recent_event(an, 1, p) if weekly else None
    if only_if_event and near_event is None and major_event is None:
        return None
    near = _evaluate(an, 0, as_of_date, tf, p, near_event)
    major = _evaluate(an, 1, as_of_date, tf, p, major_event) if weekly else None
    if major is not None and near.has_base:
        near_start, near_zone = _base_of(near)
        major_start, major_zone = _base_of(major)
        if major_zone.zone_high > near_zone.zone_high * (1 + p.buffer_pct):
            return replace(near, major=major)  # a higher ceiling above the nearest base
        same = major_start < near_start and major_zone.zone_low <= near_zone.zone_high
        if same and near.status in ("in_base", major.status):
            return major  # the same ceiling, tested for longer: the major base says more
        return near
    if major is not None:
        return major  # the only base there is
    if not near.has_base:
        record = _record_high(d, n, p)
        if record is not None:
            return replace(near, record=record)
    return near


def _base_of(r: BaseResult) -> tuple[date, Level]:
    """(start, resistance) of a result that has a base (``_result``'s)."""
    if r.start is None or r.resistance is None:
        raise ValueError("a result without a base")
    return r.start, r.resistance


@overload
def _evaluate(an: _Analyzer, scale: Literal[0], as_of_date: date, timeframe: Timeframe, p: BaseParams,
              event: RecentEvent | None) -> BaseResult: ...
@overload
def _evaluate(an: _Analyzer, scale: Literal[1], as_of_date: date, timeframe: Timeframe, p: BaseParams,
              event: RecentEvent | None) -> BaseResult | None: ...
def _evaluate(an: _Analyzer, scale: Literal[0, 1], as_of_date: date, timeframe: Timeframe, p: BaseParams,
              event: RecentEvent | None) -> BaseResult | None:
    """The base at ``scale`` (0 nearest, 1 major) as of the last bar, given its
    ``_recent_event``; for the major base None when there is none."""
    d = an.d
    n = len(d) - 1
    close = d.close
    name: Scale = "major" if scale else "nearest"
    if event is not None:
        kind, j, broken, broken_bars, f, attempt = event
        return _result(as_of_date, timeframe, kind, d, n, broken, broken_bars, p, name, breakout_date=day_to_date(d.day[j]),
                       attempt=attempt, failed_date=day_to_date(d.day[f]) if f is not None else None,
                       breakout_close=float(close[j]))
    nearest, major, bars = an.through(n)
    s = major if scale else nearest
    if not isinstance(s, Structure):
        if scale:
            return None
        return BaseResult(
            as_of=as_of_date,
            timeframe=timeframe,
            status="no_base",
            last_close=float(close[n]),
            last_date=day_to_date(d.day[n]),
            why=s,
        )
    # a test: the bar's high reached the zone and the close stayed inside it (not above)
    status: BaseStatus
    if close[n] > s.top:
        status = "pressing"
    elif bars.high[s.end - 1] >= s.zone_low:
        status = "testing"
    else:
        status = "in_base"
    return _result(as_of_date, timeframe, status, d, n, s, bars, p, name)


def _result(as_of_date: date, timeframe: Timeframe, status: BaseStatus, d: BarArrays, n: int, s: Structure,
            bars: BarArrays, p: BaseParams, scale: Scale, breakout_date: date | None = None, attempt: int | None = None,
            failed_date: date | None = None, breakout_close: float | None = None) -> BaseResult:
    p_tests = tuple(Test(date=day_to_date(bars.hi_day[i]), high=float(bars.high[i])) for i in s.tests.tolist())
    last_close = float(d.close[n])
    start = day_to_date(bars.day[s.start] if timeframe == "daily" else _week_first_day(d, bars, s.start))
    last_date = day_to_date(d.day[n])
    return BaseResult(
        as_of=as_of_date,
        timeframe=timeframe,
        status=status,
        last_close=last_close,
        last_date=last_date,
        resistance=Level(level=s.level, zone_low=s.zone_low, zone_high=s.top),
        support=Level(level=s.sup_level, zone_low=s.sup_low, zone_high=s.sup_high),
        tests=p_tests,
        start=start,
        weeks=(last_date - start).days / 7.0,
        depth_pct=s.depth_pct,
        distance_pct=(last_close / s.level - 1.0) * 100.0,
        base_type=_base_type(s.depth_pct, p),
        breakout_date=breakout_date,
        breakout_close=breakout_close,
        failed_date=failed_date,
        attempt=attempt,
        scale=scale,
    )


def _record_high(d: BarArrays, n: int, p: BaseParams) -> RecordHigh | None:
    """When the last close is near the all-time high of the data: the newest old record (a
    high that stood at least ``min_weeks``) that price cleared, and the first close more than
    the buffer above it."""
    high, close = d.high[: n + 1], d.close[: n + 1]
    if close[n] < _RECORD_NEAR * high.max():
        return None
    running = np.maximum.accumulate(high)
    prior = np.r_[-np.inf, running[:-1]]  # the record before each day
    pos = np.arange(n + 1)
    set_at = np.maximum.accumulate(np.where(high >= running, pos, 0))  # the day each record was set
    set_before = np.r_[0, set_at[:-1]]
    min_days = int(p.min_weeks * 5)
    exceeded = np.flatnonzero((high > prior) & (pos - set_before >= min_days))  # an old record topped
    for i in exceeded[::-1].tolist():
        level = float(prior[i])
        above = np.flatnonzero(close[i:] > level * (1 + p.buffer_pct))
        if len(above):
            c, k = i + int(above[0]), int(set_before[i])
            return RecordHigh(
                level=level,
                set_date=day_to_date(d.day[k]),
                cleared_date=day_to_date(d.day[c]),
                weeks=(int(d.day[c]) - int(d.day[k])) / 7.0,
                pct_above=(float(close[n]) / level - 1.0) * 100.0,
            )
    return None


def _week_first_day(d: BarArrays, bars: BarArrays, k: int) -> int:
    """Day number of the first trading day of weekly bar k (the base starts with that week)."""
    end_day = bars.day[k]
    prev_end = bars.day[k - 1] if k > 0 else -(10**9)
    i = int(np.searchsorted(d.day, prev_end, side="right"))
    return int(d.day[min(i, len(d.day) - 1)]) if d.day[min(i, len(d.day) - 1)] <= end_day else int(end_day)


def chart_window(daily: pd.DataFrame, result: BaseResult, timeframe: str = "weekly") -> pd.DataFrame:
    """OHLCV bars a chart of ``result`` should show: from a little before the base start
    through ``result.as_of``. Weekly: 60–130 bars (more if the base is older), with
    ``HighDate``/``LowDate``; daily: 120–260 bars. Every test date lies inside the window.
    """
    if timeframe not in ("weekly", "daily"):
        raise BadArgument(f"Unknown timeframe {timeframe!r}: use weekly or daily.")
    upto = daily[daily.index <= pd.Timestamp(result.as_of)]
    bars = to_weekly(upto) if timeframe == "weekly" else upto[["Open", "High", "Low", "Close", "Volume"]]
    lo_n, hi_n, margin, default = (60, 130, 12, 80) if timeframe == "weekly" else (120, 260, 25, 180)
    want = default
    first = result.start
    if result.tests:
        first = min([t.date for t in result.tests] + ([first] if first else []))
    if first is not None:
        before = int(bars.index.searchsorted(pd.Timestamp(first), side="left"))
        need = len(bars) - before + margin
        want = max(lo_n, min(hi_n, need), len(bars) - before + 1)
    return bars.iloc[max(0, len(bars) - want) :]
