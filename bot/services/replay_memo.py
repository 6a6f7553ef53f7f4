"""A ticker's past breakouts and failures kept between requests and extended by the new bars only.

``history TICKER`` needs the engine's breakout, failed, faded and busted events over years. Those
four kinds are a function of the price data alone (:mod:`bot.analysis.events.engine`: only the
"n-th test" announcements depend on the engine's memory), so

* a span of days can be replayed with no warm-up, from an empty memory: the same events of those
  kinds as a replay from the first bar;
* a long replay can be cut into spans replayed side by side (one per worker process);
* a kept replay (:class:`ReplayMemo`) is extended with ``EventEngine.step`` over the bars that
  arrived since, while the bars it read are unchanged (a split or a revised bar replays from
  scratch) and it starts no later than the day asked for.

The memo keeps only those four kinds; "testing" events are not part of a ticker's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeGuard

import numpy as np
import pandas as pd

from bot.analysis.events import EventEngine, TickerState
from bot.analysis.events.types import Event
from bot.market.frames import OHLCV

DATA_ONLY_KINDS = frozenset({"breakout", "failed", "faded", "busted"})


@dataclass(frozen=True)
class ReplayMemo:
    ticker: str
    anchor: date  # the first replayed day: events are kept from here on
    state: TickerState  # the engine's state after the last bar of ``dates``
    events: tuple[Event, ...]  # breakout, failed, faded and busted events, oldest first
    dates: np.ndarray  # int64 ns dates of the bars replayed over (their look-back included)
    values: np.ndarray  # their OHLCV, one row per date

    @property
    def last_date(self) -> date:
        return pd.Timestamp(int(self.dates[-1])).date()

    @property
    def size_bytes(self) -> int:
        return int(self.dates.nbytes + self.values.nbytes) + 512 * (len(self.events) + 8)


def _arrays(daily: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    dates = np.asarray(pd.DatetimeIndex(daily.index).as_unit("ns").asi8, dtype=np.int64)
    values = np.column_stack([daily[c].to_numpy(dtype=float) for c in OHLCV]) if len(daily) else np.empty((0, 5))
    return dates, values


def usable(memo: ReplayMemo | None, daily: pd.DataFrame, start: date) -> TypeGuard[ReplayMemo]:
    """True when extending ``memo`` over ``daily`` gives what a replay from scratch gives: it
    starts no later than ``start``, ``daily`` reaches its last bar and holds no bar before its
    first, and every bar they share is the same (no split, no revision, no bar inserted)."""
    if memo is None or memo.anchor > start or len(daily) == 0 or len(memo.dates) == 0:
        return False
    dates, values = _arrays(daily)
    if dates[0] < memo.dates[0] or dates[-1] < memo.dates[-1]:
        return False
    lo = int(np.searchsorted(memo.dates, dates[0], side="left"))
    hi = int(np.searchsorted(dates, memo.dates[-1], side="right"))
    shared_memo, shared_new = memo.dates[lo:], dates[:hi]
    if len(shared_memo) != len(shared_new) or not np.array_equal(shared_memo, shared_new):
        return False
    return bool(np.array_equal(memo.values[lo:], values[:hi], equal_nan=True))


def _data_only(events, first: date) -> list[Event]:
    return [e for e in events if e.kind in DATA_ONLY_KINDS and e.date >= first]


def replay_span(engine: EventEngine, ticker: str, daily: pd.DataFrame, first: date,
                last: date | None = None) -> tuple[TickerState, list[Event]]:
    """The data-only events of the days ``first``..``last`` (None: the last bar), each bar judged
    on the bars up to it; no warm-up. The engine's state after ``last``."""
    frame = daily if last is None else daily[daily.index <= pd.Timestamp(last)]
    lo = int(frame.index.searchsorted(pd.Timestamp(first)))
    if lo == 0:
        state, events = engine.step(None, ticker, frame, every_bar=True)
    else:
        state, events = engine.step(TickerState(ticker, last_date=frame.index[lo - 1].date().isoformat()), ticker, frame)
    return state, _data_only(events, first)


def replay_span_packed(ticker: str, packed: dict, first: date, last: date | None) -> tuple[TickerState, list[Event]]:
    """:func:`replay_span` of bars packed as arrays (a worker process's entry point)."""
    from bot.charts.transport import unpack_bars

    return replay_span(EventEngine(), ticker, unpack_bars(packed), first, last)


def spans(daily: pd.DataFrame, start: date, parts: int) -> list[tuple[date, date | None]]:
    """``start``..the last bar cut into ``parts`` runs of about as many bars: (first, last) days."""
    days = daily.index[daily.index >= pd.Timestamp(start)]
    parts = max(1, min(parts, len(days)))
    if len(days) == 0:
        return [(start, None)]
    cuts = [round(k * len(days) / parts) for k in range(parts + 1)]
    out = []
    for k in range(parts):
        first = start if k == 0 else days[cuts[k]].date()
        last = None if k == parts - 1 else days[cuts[k + 1] - 1].date()
        out.append((first, last))
    return out


def memo_of(ticker: str, daily: pd.DataFrame, start: date, results: list[tuple[TickerState, list[Event]]]) -> ReplayMemo:
    """The memo of ``daily`` from ``start`` given the replays of its spans, oldest first."""
    dates, values = _arrays(daily)
    events = tuple(e for _, span_events in results for e in span_events)
    return ReplayMemo(ticker, start, results[-1][0], events, dates, values)


def extended(memo: ReplayMemo, engine: EventEngine, daily: pd.DataFrame) -> ReplayMemo:
    """``memo`` carried over the bars of ``daily`` after its last one (``usable`` must hold)."""
    state, events = engine.step(memo.state, memo.ticker, daily)
    dates, values = _arrays(daily)
    new = _data_only(events, memo.anchor)
    return ReplayMemo(memo.ticker, memo.anchor, state, memo.events + tuple(new), dates, values)


def replay_memo(engine: EventEngine, ticker: str, daily: pd.DataFrame, start: date,
                memo: ReplayMemo | None) -> ReplayMemo:
    """``memo`` extended when usable, else a replay from scratch (in one span)."""
    if usable(memo, daily, start):
        return extended(memo, engine, daily)
    return memo_of(ticker, daily, start, [replay_span(engine, ticker, daily, start)])


class RecordedEvents(EventEngine):
    """An engine that "replays" by handing back recorded events: lets
    :func:`bot.analysis.events.outcomes.breakout_history` judge the events of a memo without
    replaying them again (it filters them to its window exactly as it filters a replay's)."""

    def __init__(self, events: tuple[Event, ...]):
        super().__init__()
        self._recorded = list(events)

    def warm_up(self, ticker: str, daily: pd.DataFrame, bars: int = 1) -> TickerState:
        return TickerState(ticker=ticker)

    def step(self, state, ticker, daily, *, every_bar: bool = False):
        return (state or TickerState(ticker=ticker)), list(self._recorded)
