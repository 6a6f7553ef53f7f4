"""The daily scan's pre-filter: each ticker's base finder reuses what it built in earlier scans.

On a new bar, ``find_base`` rebuilds the bases as they stood on the recent days a breakout could
have happened (the "line day" before each candidate close of the last ~50 sessions) and on the new
day. All but the last were built by the previous scan already, on the same bars. ``find_base``
takes a ``memo`` for exactly this ("a dict the caller keeps between calls on growing prefixes of
one frame ... the answer is the same with or without it"); the engine shares one within a replay,
and this module keeps one per ticker from one daily scan to the next. The memo also carries the
weekly arrays and their ATR, which the next call extends by a day instead of rebuilding.

The memo checks itself (``bot.analysis.base.carry``): it holds a running CRC-32 of the bars it
was built on, and a call whose first bars differ (a split, a revised bar) empties it first.

Memory: each kept base points at the weekly arrays of the day it was built on (≈ 40 KB for ten
years). After a scan, ``share_arrays`` (bot.analysis.base) points a base whose weeks (up to the
day it was built through) are equal in the newest arrays at those instead, so a ticker holds one
set of arrays, not one per day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypeGuard

import pandas as pd

from bot.analysis.base import FinderMemo, find_base, forget_before, settle, share_arrays
from bot.analysis.base.carry import resets
from bot.analysis.events import EventEngine

# Bases built through days older than this are dropped: a new day asks only for the last
# ~50 sessions' (BaseParams.scan_days) and for its own.
KEEP_DAYS = 100


class FinderMemos:
    """One ``find_base`` memo per ticker, carried from one scan to the next."""

    def __init__(self, keep_days: int = KEEP_DAYS):
        self.keep_days = keep_days
        self._kept: dict[str, FinderMemo] = {}
        self.reused = 0  # tickers whose memo held bases from an earlier scan (benchmarks, tests)

    @property
    def dropped(self) -> int:
        """How many times a ticker's memo was emptied because the bars it was built on changed."""
        return sum(resets(memo) for memo in self._kept.values())

    @staticmethod
    def applies_to(engine: object) -> TypeGuard[EventEngine]:
        """Only the real engine with the real finder (a test double or another finder is left alone)."""
        return isinstance(engine, EventEngine) and engine.base_finder is find_base

    def engine_for(self, engine: EventEngine, ticker: str, daily: pd.DataFrame) -> EventEngine:
        """An engine like ``engine`` whose finder shares ``ticker``'s memo (cheap to build); the
        engine itself for a history longer than the finder's window, whose first bar moves
        every day (no base of an earlier day could be reused)."""
        if len(daily) > engine.params.finder_window_bars():
            self.forget(ticker)
            return engine
        memo = self._kept.get(ticker)
        if memo is None:
            memo = self._kept[ticker] = FinderMemo()
        elif not memo.empty:
            self.reused += 1
        return EventEngine(engine.params, memo=memo)

    def keep(self, ticker: str, last_bar: date) -> None:
        """After a scan of ``ticker`` through ``last_bar``: drop the bases no later scan asks
        for, let the rest read one set of arrays, and free the candidate work of the older ones."""
        memo = self._kept.get(ticker)
        if memo is None:
            return
        forget_before(memo, last_bar - timedelta(days=self.keep_days))
        share_arrays(memo)
        settle(memo)

    def forget(self, ticker: str) -> None:
        self._kept.pop(ticker, None)

    def __len__(self) -> int:
        return len(self._kept)
