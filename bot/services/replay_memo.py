"""A ticker's replay kept between requests and extended by the new bars only.

``history TICKER`` replays the engine bar by bar over years (≈ 1 s of CPU for three years).
The engine's state after the last replayed bar is all it needs to go on, so a kept replay
(:class:`ReplayMemo`: its first day, the state, the events, the bars it read) is extended with
``EventEngine.step`` over the bars that arrived since: the same calls, on the same bars, as a
replay from scratch. It is used only while the bars it read are unchanged (a split or a revised
bar replays from scratch) and while it starts no later than the day asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from bot.analysis.events import EventEngine, TickerState
from bot.analysis.events.types import Event
from bot.market.frames import OHLCV


@dataclass(frozen=True)
class ReplayMemo:
    ticker: str
    anchor: date  # the first replayed day: events are kept from here on
    state: TickerState  # the engine's state after the last bar of ``dates``
    events: tuple[Event, ...]
    dates: np.ndarray  # int64 ns dates of the bars replayed over (warm-up history included)
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


def usable(memo: ReplayMemo | None, daily: pd.DataFrame, start: date) -> bool:
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


def replay_from_scratch(engine: EventEngine, ticker: str, daily: pd.DataFrame, start: date) -> ReplayMemo:
    """What :func:`bot.analysis.events.replay.replay` does from ``start`` to the last bar, keeping
    the engine's final state: a silent warm-up over the bars before ``start``, then every bar."""
    lo = pd.Timestamp(start)
    before = daily[daily.index < lo]
    if len(before):
        state = engine.warm_up(ticker, before, engine.params.warm_up_bars)
        state, events = engine.step(state, ticker, daily)
    else:
        state, events = engine.step(None, ticker, daily, every_bar=True)
    dates, values = _arrays(daily)
    kept = tuple(e for e in events if e.date >= start)
    return ReplayMemo(ticker, start, state, kept, dates, values)


def extended(memo: ReplayMemo, engine: EventEngine, daily: pd.DataFrame) -> ReplayMemo:
    """``memo`` carried over the bars of ``daily`` after its last one (``usable`` must hold)."""
    state, events = engine.step(memo.state, memo.ticker, daily)
    dates, values = _arrays(daily)
    return ReplayMemo(memo.ticker, memo.anchor, state, memo.events + tuple(events), dates, values)


def replay_memo(engine: EventEngine, ticker: str, daily: pd.DataFrame, start: date,
                memo: ReplayMemo | None) -> ReplayMemo:
    """``memo`` extended when usable, else a replay from scratch."""
    if usable(memo, daily, start):
        return extended(memo, engine, daily)
    return replay_from_scratch(engine, ticker, daily, start)


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


def replay_memo_packed(ticker: str, packed: dict, start: date, memo: ReplayMemo | None) -> ReplayMemo:
    """:func:`replay_memo` of bars packed as arrays (a worker process's entry point)."""
    from bot.charts.transport import unpack_bars

    return replay_memo(EventEngine(), ticker, unpack_bars(packed), start, memo)
