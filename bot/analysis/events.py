"""The breakout event engine: one completed daily bar at a time, per ticker.

State machine (see ``shared/notes/bases-and-breakouts.md``)::

    idle --(base finder qualifies a base)--> armed
    armed --(new distinct test, n >= 3)--> armed            announce "testing" (once per n)
    armed --(close > zone top + buffer)--> breakout         announce "breakout" (levels frozen)
    breakout --(close < zone bottom - buffer, or a close
               <= 92% of the breakout close below the zone
               top, within the failure window)--> failed    announce "failed"
    breakout --(failure window passes)--> idle              silent ("held")
    failed --(close < support - buffer)--> idle             announce "busted"
    failed --(a few closes back inside)--> armed            the next breakout is attempt 2

A dip *into* the resistance zone after a breakout is a retest, not a failure. Events come
only from transitions, so each is emitted once; there is at most one event per ticker per
bar. The base finder is injected (default :func:`bot.analysis.base.find_base`); while the
ticker is idle or armed it is re-run once a week (on a per-ticker weekday) and before any bar
that could be a breakout, always on the bars before the one being judged.
"""

from __future__ import annotations

from collections.abc import Callable
import zlib
from datetime import date

import pandas as pd

from bot.analysis.engine_bars import DailyBars
from bot.analysis.engine_params import EngineParams
from bot.analysis.engine_state import ActiveBase, TickerState
from bot.analysis.event_types import KIND_PRIORITY, Event, EventKind
from bot.analysis.models import BaseResult
from bot.errors import NotEnoughData

__all__ = ["Event", "EventEngine", "EngineParams", "TickerState", "KIND_PRIORITY"]

BaseFinder = Callable[..., BaseResult]


def _default_finder() -> BaseFinder:
    from bot.analysis.base import find_base

    return find_base


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


class EventEngine:
    """Turns daily bars into breakout events. Pure: no I/O, no clock, no globals."""

    def __init__(self, params: EngineParams | None = None, base_finder: BaseFinder | None = None):
        self.params = params or EngineParams()
        self.base_finder = base_finder or _default_finder()
        self.finder_calls = 0  # for benchmarks

    # ------------------------------------------------------------------ public API
    def step(self, state: TickerState | None, ticker: str, daily: pd.DataFrame) -> tuple[TickerState, list[Event]]:
        """Process every bar of ``daily`` after ``state.last_date``, oldest first.

        ``daily`` holds all bars up to and including the newest completed one. With no state
        the engine starts ``params.warmup_bars`` bars back and returns the events of those
        bars too (see :meth:`warm_up` to start silently). ``state`` is not modified.
        """
        st = state.copy() if state is not None else TickerState(ticker=ticker)
        n = len(daily)
        if n == 0:
            return st, []
        bars = DailyBars(daily, self.params.atr_period)
        first = bars.after(st.last_date) if state is not None else max(0, n - self.params.warmup_bars)
        events: list[Event] = []
        for i in range(first, n):
            event = self._bar(st, ticker, bars, i)
            st.last_date = bars.iso(i)
            if event is not None:
                events.append(event)
        return st, events

    def warm_up(self, ticker: str, daily: pd.DataFrame) -> TickerState:
        """State after the last bar of ``daily``, announcing nothing (for a newly watched ticker)."""
        state, _ = self.step(None, ticker, daily)
        return state

    # ------------------------------------------------------------------ one bar
    def _bar(self, st: TickerState, ticker: str, bars: DailyBars, i: int) -> Event | None:
        if i < max(1, self.params.min_history_bars):
            return None
        if st.phase in ("idle", "armed") and self._refresh_due(st, bars, i):
            self._refresh(st, bars, i)
        if st.phase == "armed":
            return self._armed_bar(st, ticker, bars, i)
        if st.phase == "breakout":
            return self._breakout_bar(st, ticker, bars, i)
        if st.phase == "failed":
            return self._failed_bar(st, ticker, bars, i)
        return None

    def _armed_bar(self, st: TickerState, ticker: str, bars: DailyBars, i: int) -> Event | None:
        p, b = self.params, st.base
        atr = bars.atr_before(i)
        close, high = float(bars.close[i]), float(bars.high[i])
        trigger = b.zone_high + p.buffer(b.zone_high, atr)
        if close > trigger:
            vr = bars.volume_ratio(i, p.volume_window)
            on_volume = vr is not None and vr >= p.volume_ratio_on
            st.phase = "breakout"
            st.breakout_date, st.breakout_close = bars.iso(i), close
            st.bars_since_breakout = 0
            st.last_touch = bars.iso(i)
            pct = (close / b.level - 1) * 100
            if vr is None:
                vol_text = ""
            elif on_volume:
                vol_text = f", on {vr:.1f}x average volume"
            else:
                vol_text = f", on {'light' if vr < 1.0 else 'ordinary'} volume ({vr:.1f}x average)"
            attempt_text = f" ({ordinal(st.attempt)} attempt)" if st.attempt > 1 else ""
            reason = (
                f"{ticker} closed at {close:.2f}, {pct:.1f}% above the {b.level:.2f} resistance "
                f"(zone {b.zone_low:.2f}-{b.zone_high:.2f}) of a {self._weeks(b, bars, i):.0f}-week base "
                f"tested {_times(len(st.tests))}{vol_text}{attempt_text}."
            )
            return self._event(st, ticker, "breakout", bars, i, b.level, reason, vr, on_volume)
        if st.attempt > 1:  # a base whose breakout failed can still be busted
            event = self._busted(st, ticker, bars, i, atr)
            if event is not None:
                return event
        if high >= b.zone_low and self._distinct_test(st, bars, i, atr):
            st.tests.append(bars.iso(i))
            st.last_touch = bars.iso(i)
        # announce a new n-th test, whether we saw the touch today or the finder just confirmed
        # a touch of the last few bars; tests that were already history when armed are not news
        n = len(st.tests)
        if n >= p.announce_tests_from and n > st.announced_tests and bars.pos(st.tests[-1]) >= i - p.recent_test_bars:
            st.announced_tests = n
            test_high = float(bars.high[min(bars.pos(st.tests[-1]), i) : i + 1].max())
            reason = (
                f"{ticker} reached the {b.zone_low:.2f}-{b.zone_high:.2f} resistance zone (high {test_high:.2f}) "
                f"and closed at {close:.2f}, below the breakout line: the {ordinal(n)} test of "
                f"{b.level:.2f} in a {self._weeks(b, bars, i):.0f}-week base."
            )
            return self._event(st, ticker, "testing", bars, i, b.level, reason)
        return None

    def _breakout_bar(self, st: TickerState, ticker: str, bars: DailyBars, i: int) -> Event | None:
        p, b = self.params, st.base
        st.bars_since_breakout += 1
        close = float(bars.close[i])
        bc = float(st.breakout_close)
        floor = b.zone_low - p.buffer(b.zone_low, bars.atr_before(i))
        stop = (1 - p.stop_pct / 100) * bc
        if close < floor or (close <= stop and close < b.zone_high):
            back_inside = close < floor
            level = b.zone_low if back_inside else stop
            k = st.bars_since_breakout
            if back_inside:
                reason = (
                    f"{ticker} closed at {close:.2f}, back inside the base below {b.zone_low:.2f}, "
                    f"{k} bar{'s' if k != 1 else ''} after the {st.breakout_date} breakout at {bc:.2f}."
                )
            else:
                reason = (
                    f"{ticker} closed at {close:.2f}, {(1 - close / bc) * 100:.1f}% below the "
                    f"{st.breakout_date} breakout close of {bc:.2f}, {k} bar{'s' if k != 1 else ''} later."
                )
            st.phase = "failed"
            st.failed_date = bars.iso(i)
            st.bars_since_failed = 0
            st.inside_closes = 0
            return self._event(st, ticker, "failed", bars, i, level, reason, breakout=True)
        if st.bars_since_breakout >= p.failure_window:
            st.clear_base()  # held: silent; the old resistance is now support
        return None

    def _failed_bar(self, st: TickerState, ticker: str, bars: DailyBars, i: int) -> Event | None:
        p, b = self.params, st.base
        st.bars_since_failed += 1
        atr = bars.atr_before(i)
        event = self._busted(st, ticker, bars, i, atr)
        if event is not None:
            return event
        trigger = b.zone_high + p.buffer(b.zone_high, atr)
        if float(bars.close[i]) <= trigger:
            st.inside_closes += 1
            if st.inside_closes >= p.rearm_closes:
                st.phase = "armed"
                st.attempt += 1
                st.inside_closes = 0
                st.unconfirmed_refreshes = 0
                return None
        else:
            st.inside_closes = 0
        if st.bars_since_failed >= p.failed_timeout:
            st.clear_base()
        return None

    def _busted(self, st: TickerState, ticker: str, bars: DailyBars, i: int, atr: float) -> Event | None:
        b = st.base
        close = float(bars.close[i])
        if close >= b.support_low - self.params.buffer(b.support_low, atr):
            return None
        reason = (
            f"{ticker} closed at {close:.2f}, below the {b.support_low:.2f} support after the failed "
            f"{st.breakout_date} breakout: the base is broken."
        )
        event = self._event(st, ticker, "busted", bars, i, b.support_low, reason, breakout=True)
        st.clear_base()
        return event

    # ------------------------------------------------------------------ tests
    def _distinct_test(self, st: TickerState, bars: DailyBars, i: int, atr: float) -> bool:
        """A touch counts as a new test when it is far enough from the last one and price
        pulled back well below the zone in between."""
        if st.last_touch is None:
            return True
        j = min(bars.pos(st.last_touch), i)  # 0 when the last touch is older than this frame
        if i - j < self.params.test_gap_bars:
            return False
        lows = bars.low[j + 1 : i]
        if len(lows) == 0:
            return False
        return float(lows.min()) <= st.base.zone_low - self.params.test_pullback_atr * atr

    # ------------------------------------------------------------------ base finder
    def _refresh_due(self, st: TickerState, bars: DailyBars, i: int) -> bool:
        prev = bars.iso(i - 1)
        if prev == st.refreshed_through:
            return False  # the finder already saw every bar before this one
        if st.refreshed_through is None or self.params.refresh == "daily":
            return True
        if self._could_break_out(st, bars, i):
            return True  # judge a possible breakout against the freshest base
        # weekly, on this ticker's weekday: week ids shifted by 0..4 days per ticker
        shift = zlib.crc32(st.ticker.encode()) % 5
        week_prev = (date.fromisoformat(prev).toordinal() - 1 - shift) // 7
        week_done = (date.fromisoformat(st.refreshed_through).toordinal() - 1 - shift) // 7
        return week_prev != week_done

    def _could_break_out(self, st: TickerState, bars: DailyBars, i: int) -> bool:
        close = float(bars.close[i])
        if st.phase == "armed":
            zh = st.base.zone_high
            return close > zh + self.params.buffer(zh, bars.atr_before(i))
        k = self.params.breakout_lookback
        return i >= k and close > float(bars.close[i - k : i].max())

    def _refresh(self, st: TickerState, bars: DailyBars, i: int) -> None:
        """Ask the base finder about the bars before ``i`` and arm / update / keep the base."""
        p = self.params
        window = bars.frame.iloc[max(0, i - p.finder_window_bars) : i]
        st.refreshed_through = bars.iso(i - 1)
        self.finder_calls += 1
        try:
            res = self.base_finder(window, as_of=bars.date(i - 1), timeframe=p.timeframe)
        except NotEnoughData:
            res = None
        new = self._armable(st, bars, i, res)
        if new is None:
            if st.phase == "armed":
                st.unconfirmed_refreshes += 1
                if st.unconfirmed_refreshes > p.stale_refreshes:
                    st.clear_base()
            return
        finder_tests = sorted(t.date.isoformat() for t in res.tests if t.date.isoformat() <= st.refreshed_through)
        if st.phase == "armed" and st.base is not None and self._same_base(st.base, new):
            new.base_id = st.base.base_id
            st.base = new
            st.unconfirmed_refreshes = 0
            self._merge_tests(st, bars, finder_tests)
            return
        st.clear_base()
        st.phase = "armed"
        st.base = new
        st.tests = finder_tests
        st.announced_tests = len(finder_tests)  # tests before we watched are history, not news
        st.last_touch = finder_tests[-1] if finder_tests else None

    def _armable(self, st: TickerState, bars: DailyBars, i: int, res: BaseResult | None) -> ActiveBase | None:
        """The finder's base as an ActiveBase if the engine may watch it, else None."""
        if (
            res is None
            or res.status not in ("in_base", "testing")
            or res.resistance is None
            or res.support is None
            or res.start is None
        ):
            return None
        zone_high = res.resistance.zone_high
        if float(bars.close[i - 1]) > zone_high + self.params.buffer(zone_high, bars.atr_before(i)):
            return None  # already above it by our measure: nothing to arm
        new = self._active_base(st.ticker, res)
        if st.retired_through is not None and new.start <= st.retired_through:
            return None  # the finder still reports a base we already saw break out
        if (
            st.phase == "armed"
            and st.breakout_date is not None
            and new.start <= st.breakout_date
            and not self._same_base(st.base, new)
        ):
            return None  # an older base than the one re-armed after its failed breakout
        return new

    @staticmethod
    def _active_base(ticker: str, res: BaseResult) -> ActiveBase:
        r, s = res.resistance, res.support
        start = res.start.isoformat()
        return ActiveBase(
            base_id=f"{ticker}:{start}:{round(r.level, 2)}",
            start=start,
            level=float(r.level),
            zone_low=float(r.zone_low),
            zone_high=float(r.zone_high),
            support=float(s.level),
            support_low=float(s.zone_low),
            support_high=float(s.zone_high),
            base_type=res.base_type,
            depth_pct=float(res.depth_pct) if res.depth_pct is not None else None,
        )

    @staticmethod
    def _same_base(old: ActiveBase, new: ActiveBase) -> bool:
        """The finder still describes the base we watch when its resistance zone overlaps ours
        (levels drift as tests are added; a jump to another zone is another base)."""
        return new.zone_low <= old.zone_high and new.zone_high >= old.zone_low

    def _merge_tests(self, st: TickerState, bars: DailyBars, finder_tests: list[str]) -> None:
        """The finder's tests are the history; our live tests add those it has not confirmed
        yet (newer than its last one and not the same touch, i.e. within the gap)."""
        gap = self.params.test_gap_bars
        merged = list(finder_tests)
        known = [bars.pos(t) for t in merged]
        newest = merged[-1] if merged else ""
        for t in st.tests:
            k = bars.pos(t)
            if t > newest and all(abs(k - j) >= gap for j in known):
                merged.append(t)
                known.append(k)
        st.tests = sorted(merged)
        st.announced_tests = min(st.announced_tests, len(st.tests))  # the finder may recount
        if st.tests and (st.last_touch is None or st.tests[-1] > st.last_touch):
            st.last_touch = st.tests[-1]

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _weeks(b: ActiveBase, bars: DailyBars, i: int) -> float:
        return (bars.date(i) - date.fromisoformat(b.start)).days / 7.0

    def _event(
        self,
        st: TickerState,
        ticker: str,
        kind: EventKind,
        bars: DailyBars,
        i: int,
        level: float,
        reason: str,
        volume_ratio: float | None = None,
        on_volume: bool = False,
        breakout: bool = False,
    ) -> Event:
        b = st.base
        close = float(bars.close[i])
        return Event(
            ticker=ticker,
            kind=kind,
            date=bars.date(i),
            close=close,
            level=float(level),
            zone_low=b.zone_low,
            zone_high=b.zone_high,
            support=b.support,
            base_id=b.base_id,
            base_start=date.fromisoformat(b.start),
            base_weeks=self._weeks(b, bars, i),
            test_count=len(st.tests),
            volume_ratio=volume_ratio,
            on_volume=on_volume,
            pct_beyond=(close / level - 1) * 100 if level else 0.0,
            reason=reason,
            breakout_date=date.fromisoformat(st.breakout_date) if breakout and st.breakout_date else None,
            breakout_close=st.breakout_close if breakout else None,
            attempt=st.attempt,
        )
