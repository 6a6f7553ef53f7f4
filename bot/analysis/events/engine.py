"""The breakout event engine: a transition detector over :func:`bot.analysis.base.find_base`.

For each new completed daily bar D the engine asks the base finder about the data up to D
(``r = find_base(daily <= D, as_of=D)``, all the history the finder reads) and, for the major
base ``r.major`` and the nearest one ``r``, announces:

* ``breakout`` when the status is "breakout" and ``breakout_date == D`` (tagged "on volume" when
  D's volume is >= 1.4 x the average of the 50 sessions before it; a nearest breakout under a
  major ceiling names that "next resistance");
* ``failed`` / ``faded`` when the status is that and ``failed_date == D`` (back below the zone,
  or 8 % down, within 10 bars / within 11 to 30 bars);
* ``busted`` when the status is failed or faded, D is after the failing close and D's close is
  the first since then below the support zone's low minus a buffer;
* ``testing`` when the status is "testing" with n >= 3 tests, the newest test within the last
  few bars, no bar of the last ``same_test_days`` reported that test already (same week, or an
  n' >= n of an overlapping zone: the finder moves its newest test to a higher high nearby),
  and the base never had n tests before (test numbers per base only go up).

So breakout, failed, faded and busted depend on the price data alone: a bot started on any date
announces the same ones. The only memory (TickerState.seen_tests and base_tests) is what the
finder *reported* lately — not what was announced — so a replay that warms up on the year before
its first day announces what a replay from the first bar announces.
At most one event per bar: busted > failed = faded > breakout > testing, the major base first
on a tie. With no state ``step`` evaluates only the newest bar (one finder call); a ticker's
first step in the live scan is ``first_step``, a replay from its newest bar (warm-up included),
so the live scan and ``replay`` announce the same events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pandas as pd

from bot.analysis.bars.daily import DailyBars
from bot.analysis.base import FinderMemo, find_base, forget_before
from bot.analysis.events.params import EngineParams
from bot.analysis.events.state import PHASE_OF_STATUS, ActiveBase, SeenTest, TickerState
from bot.analysis.events.types import KIND_PRIORITY, Event, EventKind
from bot.analysis.levels import levels_of
from bot.analysis.models import BaseResult
from bot.errors import NotEnoughData

__all__ = ["Event", "EventEngine", "EngineParams", "TickerState", "KIND_PRIORITY", "base_id_of"]

BaseFinder = Callable[..., BaseResult]


def _week_id(d: date) -> int:
    """W-FRI week of a date: Saturday..Friday share one id."""
    return (d.toordinal() + 1) // 7


def _known(d: date | None) -> date:
    """A date the result's status implies is set (a breakout's, a failure's)."""
    if d is None:
        raise ValueError("a date the status implies is missing")
    return d


def base_id_of(ticker: str, r: BaseResult) -> str:
    """Identity of a base: the ticker, the date of its first test and its ceiling (stable
    while the base lasts, unlike its start, which moves as the zone widens; a higher ceiling
    over the same first test is another, longer base); a major base's says so, so it never
    shares an id with a nearest base tested first in the same week."""
    scale = ":major" if r.scale == "major" else ""
    res, _ = r.base_levels()
    if r.tests:
        return f"{ticker}{scale}:{r.tests[0].date.isoformat()}@{res.zone_high:.2f}"
    return f"{ticker}:{round(res.level, 2)}"


class EventEngine:
    """Turns daily bars into breakout events. Pure: no I/O, no clock, no globals."""

    def __init__(self, params: EngineParams | None = None, base_finder: BaseFinder | None = None, *,
                 memo: FinderMemo | None = None, data_only: bool = False):
        """``base_finder``: a finder other than ``find_base`` (tests). ``memo``: a ``find_base``
        memo kept by the caller across steps over one ticker's bars (the daily scan keeps one per
        ticker, ``bot.scan.finder_memo``); without it each step shares one among its own days.

        ``data_only``: announce only breakout, failed, faded and busted — exactly those a plain
        engine announces, as they depend on the data alone — and skip the work only the "n-th
        test" needs: find_base builds the day's bases only when one of them broke out within
        its last ``scan_days`` (``find_base(only_if_event=True)``), and no test memory is kept
        (so the state's phase and base are not kept either, and an event's ``test_count`` is the
        finder's, where a plain engine raises it to the most its memory holds for the base). For
        measuring past breakouts (``python -m bot study``, which reads no test count);
        ``tests/analysis/events/test_data_only.py`` proves it equal."""
        if memo is not None and base_finder is not None:
            raise ValueError("a memo is find_base's: it goes with the default finder only")
        if data_only and base_finder is not None:
            raise ValueError("data_only skips find_base's work: it goes with the default finder only")
        self.params = params or EngineParams()
        self.base_finder = base_finder or find_base
        self._shares_memo = base_finder is None  # find_base reuses the bases of earlier days
        self._memo = memo
        self.data_only = data_only
        self.finder_calls = 0  # for benchmarks

    # ------------------------------------------------------------------ public API
    def step(self, state: TickerState | None, ticker: str, daily: pd.DataFrame, *,
             every_bar: bool = False) -> tuple[TickerState, list[Event]]:
        """Process every bar of ``daily`` after ``state.last_date``, oldest first.

        ``daily`` holds all bars up to and including the newest completed one. With no state
        (or a fresh one) only the newest bar is evaluated and its event, if any, returned —
        unless ``every_bar``, which processes the whole frame from its first bar (a replay).
        ``state`` is not modified.
        """
        st = state.copy() if state is not None else TickerState(ticker=ticker)
        n = len(daily)
        if n == 0:
            return st, []
        bars = DailyBars(daily, self.params.atr_period)
        if st.last_date is not None:
            first = bars.after(st.last_date)
        else:
            first = 0 if every_bar else n - 1
        events: list[Event] = []
        memo = self._memo if self._memo is not None else FinderMemo() if self._shares_memo else None
        for i in range(first, n):
            event = self._bar(st, ticker, bars, i, memo)
            st.last_date = bars.iso(i)
            if event is not None:
                events.append(event)
        return st, events

    def first_step(self, ticker: str, daily: pd.DataFrame) -> tuple[TickerState, list[Event]]:
        """A ticker's first step, with no state (the live scan's cold start): exactly a replay
        from the newest bar of ``daily``. The bars before it that the test memory spans
        (``EngineParams.warm_up_bars``) are stepped through silently, then the newest bar is
        processed and its event, if any, returned. So from here on the live scan announces what
        ``replay`` shows, a test included: the memory of the tests already reported is there."""
        if len(daily) < 2:
            return self.step(None, ticker, daily)
        state = self.warm_up(ticker, daily.iloc[:-1], self.params.warm_up_bars)
        return self.step(state, ticker, daily)

    def warm_up(self, ticker: str, daily: pd.DataFrame, bars: int = 1) -> TickerState:
        """State after the last bar of ``daily``, announcing nothing (for a newly watched ticker):
        the last ``bars`` bars are stepped through silently, so the tests they report are
        remembered as announced. With ``bars`` covering the test memory
        (``EngineParams.warm_up_bars``) the state equals that of an engine that saw every bar."""
        if len(daily) == 0:
            return TickerState(ticker=ticker)
        k = max(1, min(bars, len(daily)))
        state, _ = self.step(None, ticker, daily.iloc[: len(daily) - k + 1])
        if k > 1:
            state, _ = self.step(state, ticker, daily)
        return state

    # ------------------------------------------------------------------ one bar
    def _find(self, bars: DailyBars, i: int, memo: FinderMemo | None = None) -> BaseResult | None:
        p = self.params
        lo = max(0, i + 1 - p.finder_window_bars())
        self.finder_calls += 1
        try:
            if memo is None:  # a finder of the caller's: it sees the bars through day i only
                window = bars.frame if lo == 0 and i + 1 == len(bars) else bars.frame.iloc[lo : i + 1]
                return self.base_finder(window, as_of=bars.date(i), timeframe=p.timeframe)
            if len(memo.bases) > 400:  # only the last ~50 sessions' bases are asked for again
                forget_before(memo, bars.date(max(lo, i - 79)))
            # find_base itself reads no bar after as_of, nor more than the window: it gets the
            # arrays already read instead of a slice of the frame
            if self.data_only:
                return self.base_finder(bars.frame, as_of=bars.date(i), timeframe=p.timeframe, memo=memo,
                                        arrays=bars.arrays(), only_if_event=True)
            return self.base_finder(bars.frame, as_of=bars.date(i), timeframe=p.timeframe, memo=memo,
                                    arrays=bars.arrays())
        except NotEnoughData:
            return None

    def _bar(self, st: TickerState, ticker: str, bars: DailyBars, i: int, memo: FinderMemo | None = None) -> Event | None:
        if i + 1 < max(1, self.params.min_history_bars):
            return None
        r = self._find(bars, i, memo)
        if self.data_only:
            return self._data_event(ticker, r, bars, i)
        self._remember(st, ticker, r)
        if r is None or not r.has_base:
            return None
        # the major base first: on a tie of kinds its event is the one announced
        found = [e for b in (r.major, r) if b is not None for e in [self._event_of(st, ticker, b, r, bars, i)] if e]
        today = bars.date(i)
        self._remember_tests(st, ticker, r, today)
        found = [self._counted(st, e) for e in found]
        year_ago = (today - timedelta(days=365)).isoformat()
        st.recent_events = [d for d in st.recent_events if d > year_ago]
        if len(st.recent_events) >= self.params.test_budget:
            found = [e for e in found if e.kind != "testing"]  # a busy year: tests are not news
        if not found:
            return None
        event = max(found, key=lambda e: KIND_PRIORITY[e.kind])  # max keeps the first of equals
        st.recent_events.append(today.isoformat())
        return event

    def _data_event(self, ticker: str, r: BaseResult | None, bars: DailyBars, i: int) -> Event | None:
        """``_bar``'s event of the data-only kinds: the same choice among the same events (a
        "testing" one never outranks them, and the test budget only ever drops tests)."""
        if r is None or not r.has_base:
            return None
        found = [
            e for b in (r.major, r) if b is not None and b.status != "testing"
            for e in [self._event_of(None, ticker, b, r, bars, i)] if e
        ]
        return max(found, key=lambda e: KIND_PRIORITY[e.kind]) if found else None

    @staticmethod
    def _counted(st: TickerState, e: Event) -> Event:
        """``e`` with the most tests its base was reported with lately: the finder may recount a
        base's tests (a re-armed base counts those before its first breakout), but the tests a
        member was told of only go up. Kept in memory (``base_tests``), so the data-only engine,
        which keeps none, says the finder's count."""
        seen = st.base_tests.get(e.base_id, [0])[0]
        return replace(e, test_count=seen) if seen > e.test_count else e

    def _remember_tests(self, st: TickerState, ticker: str, r: BaseResult, today: date) -> None:
        """The most tests the finder reported per base, kept while the base was reported within
        the last ``same_test_days``."""
        horizon = (today - timedelta(days=self.params.same_test_days)).isoformat()
        memo = {k: v for k, v in st.base_tests.items() if v[1] > horizon}
        for b in (r, r.major):
            if b is not None and b.has_base:
                key = base_id_of(ticker, b)
                memo[key] = [max(len(b.tests), memo.get(key, [0])[0]), today.isoformat()]
        st.base_tests = memo

    def _event_of(self, st: TickerState | None, ticker: str, b: BaseResult, r: BaseResult, bars: DailyBars,
                  i: int) -> Event | None:
        """The event of one base (``b``: the nearest ``r`` or its major base) on bar i."""
        today = bars.date(i)
        if b.status in ("failed", "faded") and b.failed_date == today and b.breakout_date is not None:
            return self._failed(ticker, b, bars, i)
        if b.status == "breakout" and b.breakout_date == today:
            above = r.major if b is r else None
            return self._breakout(ticker, b, bars, i, above)
        if b.status in ("failed", "faded") and b.failed_date is not None and b.failed_date < today:
            return self._busted(ticker, b, bars, i)
        if b.status == "testing" and st is not None:  # (the data-only engine keeps no test memory)
            return self._testing(st, ticker, b, bars, i)
        return None

    def _remember(self, st: TickerState, ticker: str, r: BaseResult | None) -> None:
        """Status of the newest bar, for displays only."""
        if r is None or not r.has_base:
            st.phase, st.base = "idle", None
            return
        st.phase = PHASE_OF_STATUS.get(r.status, "idle")
        res, sup = r.base_levels()
        st.base = ActiveBase(
            base_id=base_id_of(ticker, r),
            start=r.start.isoformat() if r.start is not None else "",
            level=float(res.level),
            zone_low=float(res.zone_low),
            zone_high=float(res.zone_high),
            support=float(sup.level),
            support_low=float(sup.zone_low),
            support_high=float(sup.zone_high),
            base_type=r.base_type,
            depth_pct=float(r.depth_pct) if r.depth_pct is not None else None,
        )

    # ------------------------------------------------------------------ the four events
    def _breakout(self, ticker: str, r: BaseResult, bars: DailyBars, i: int, above: BaseResult | None) -> Event:
        p, (res, _) = self.params, r.base_levels()
        close = float(bars.close[i])
        vr = bars.volume_ratio(i, p.volume_window)
        on_volume = vr is not None and vr >= p.volume_ratio_on
        ceiling = above.base_levels()[0].level if above is not None else None
        nxt = ceiling if ceiling is not None and ceiling > close else None
        return self._event(ticker, "breakout", r, bars, i, res.level, vr, on_volume, next_resistance=nxt)

    def _failed(self, ticker: str, r: BaseResult, bars: DailyBars, i: int) -> Event:
        res, _ = r.base_levels()
        close = float(bars.close[i])
        broke = _known(r.breakout_date)
        j = bars.pos(broke.isoformat())
        bc = float(bars.close[j])
        kind: EventKind = "faded" if r.status == "faded" else "failed"
        lv = levels_of(res.zone_low, res.zone_high, close, breakout_close=bc)  # the finder's failure rule
        back_inside = close < lv.floor  # else it fell to the stop below the breakout close
        # (a breakout close is given, so the stop is set)
        level = lv.floor if back_inside or lv.stop is None else lv.stop
        return self._event(ticker, kind, r, bars, i, level, breakout=(broke, bc), bars_since_breakout=int(i - j),
                           back_inside=back_inside)

    def _busted(self, ticker: str, r: BaseResult, bars: DailyBars, i: int) -> Event | None:
        """The first close below the support (minus a buffer) after the failing close."""
        line = r.base_levels()[1].zone_low
        f = bars.pos(_known(r.failed_date).isoformat())
        for k in range(f + 1, i + 1):
            below = float(bars.close[k]) < line - self.params.buffer(line, bars.atr_before(k))
            if below and k < i:
                return None  # busted on an earlier bar already
            if below and k == i:
                break
        else:
            return None
        broke = _known(r.breakout_date)
        j = bars.pos(broke.isoformat())
        bc = float(bars.close[j])
        return self._event(ticker, "busted", r, bars, i, line, breakout=(broke, bc))

    def _testing(self, st: TickerState, ticker: str, r: BaseResult, bars: DailyBars, i: int) -> Event | None:
        p, (res, _) = self.params, r.base_levels()
        n = len(r.tests)
        if n < p.announce_tests_from:
            return None
        newest = r.tests[-1].date
        if bars.pos(newest.isoformat()) < i - p.recent_test_bars:
            return None  # the n-th test is history, not news
        today = bars.date(i)
        horizon = (today - timedelta(days=p.same_test_days)).isoformat()
        earlier = [a for a in st.seen_tests if a.seen > horizon]
        st.seen_tests = earlier + [
            SeenTest(today.isoformat(), newest.isoformat(), n, float(res.zone_low), float(res.zone_high))
        ]
        if any(self._same_test(a, newest, n, res.zone_low, res.zone_high) for a in earlier):
            return None  # reported on an earlier bar already (the finder may have moved or recounted it)
        if n <= st.base_tests.get(base_id_of(ticker, r), [0])[0]:
            return None  # this base had n tests already: numbers per base only go up
        test_high = r.tests[-1].high
        return self._event(ticker, "testing", r, bars, i, res.level, test_high=test_high,
                           pushed_above=test_high > res.zone_high)

    @staticmethod
    def _same_test(a: SeenTest, newest: date, n: int, zone_low: float, zone_high: float) -> bool:
        """``a`` (seen within the last ``same_test_days``) is the test now reported as the n-th."""
        if _week_id(date.fromisoformat(a.date)) == _week_id(newest):
            return True
        return a.n >= n and a.overlaps(zone_low, zone_high)

    # ------------------------------------------------------------------ helpers
    def _event(
        self,
        ticker: str,
        kind: EventKind,
        r: BaseResult,
        bars: DailyBars,
        i: int,
        level: float,
        volume_ratio: float | None = None,
        on_volume: bool = False,
        breakout: tuple[date, float] | None = None,
        next_resistance: float | None = None,
        bars_since_breakout: int | None = None,
        back_inside: bool = False,
        test_high: float | None = None,
        pushed_above: bool = False,
    ) -> Event:
        res, sup = r.base_levels()
        close = float(bars.close[i])
        return Event(
            ticker=ticker,
            kind=kind,
            date=bars.date(i),
            close=close,
            level=float(level),
            zone_low=float(res.zone_low),
            zone_high=float(res.zone_high),
            support=float(sup.level),
            base_id=base_id_of(ticker, r),
            base_start=r.start if r.start is not None else bars.date(i),
            base_weeks=float(r.weeks or 0.0),
            test_count=len(r.tests),
            volume_ratio=volume_ratio,
            on_volume=on_volume,
            pct_beyond=(close / level - 1) * 100 if level else 0.0,
            breakout_date=breakout[0] if breakout else None,
            breakout_close=breakout[1] if breakout else None,
            attempt=r.attempt or 1,
            major=r.scale == "major",
            next_resistance=next_resistance,
            bars_since_breakout=bars_since_breakout,
            back_inside=bool(back_inside),
            test_high=float(test_high) if test_high is not None else None,
            pushed_above=bool(pushed_above),
        )
