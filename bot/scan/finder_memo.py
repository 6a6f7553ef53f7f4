"""The daily scan's pre-filter: each ticker's base finder reuses the bases it built in earlier scans.

On a new bar, ``find_base`` rebuilds the bases as they stood on the recent days a breakout could
have happened (the "line day" before each candidate close of the last ~50 sessions) and on the new
day. All but the last were built by the previous scan already, on the same bars. ``find_base``
takes a ``memo`` for exactly this ("a dict the caller keeps between calls on growing prefixes of
one frame ... the answer is the same with or without it"); the engine shares one within a replay,
and this module keeps one per ticker from one daily scan to the next.

The memo is keyed by the frame's first bar and each day's close; on top of that a ticker's memo
is kept only while every bar it was built from is unchanged (a digest of the bars up to the last
scanned day): a split or a revised bar drops it, and the bases are built afresh.

Memory: each kept base points at the weekly arrays of the day it was built on (≈ 40 KB for ten
years). After a scan, a base whose weeks (up to the day it was built through) are equal in the
newest arrays is pointed at those instead, so a ticker holds one set of arrays, not one per
day; a base that cannot be (another layout, or changed weeks) keeps its own or is dropped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from functools import partial

import numpy as np
import pandas as pd

from bot.analysis.bars.arrays import BarArrays
from bot.analysis.base import find_base, forget_before
from bot.analysis.events import EventEngine
from bot.market.frames import OHLCV

# Bases built through days older than this are dropped: a new day asks only for the last
# ~50 sessions' (BaseParams.scan_days) and for its own.
KEEP_DAYS = 100


def bar_rows(daily: pd.DataFrame) -> np.ndarray:
    """One row per bar, its date (as raw bits) and OHLCV: what the bases are built from."""
    dates = np.asarray(pd.DatetimeIndex(daily.index).as_unit("ns").asi8, dtype=np.int64).view(np.float64)
    return np.column_stack([dates, *(daily[c].to_numpy(dtype=float) for c in OHLCV)])


def rows_hasher(rows: np.ndarray):
    h = hashlib.blake2b(digest_size=16)
    h.update(rows.tobytes())
    return h


@dataclass
class _Kept:
    memo: dict = field(default_factory=dict)
    through: date | None = None  # the last bar the memo's bases were built on
    digest: str = ""  # of the bars up to ``through``


class FinderMemos:
    """One ``find_base`` memo per ticker, carried from one scan to the next."""

    def __init__(self, keep_days: int = KEEP_DAYS):
        self.keep_days = keep_days
        self._kept: dict[str, _Kept] = {}
        self._checked: dict[str, tuple] = {}  # ticker -> (hasher of the rows checked, the rows, how many)
        self.reused = 0  # tickers whose memo was carried over (benchmarks, tests)
        self.dropped = 0  # memos dropped because the bars they were built on changed

    @staticmethod
    def applies_to(engine) -> bool:
        """Only the real engine with the real finder (a test double or another finder is left alone)."""
        return isinstance(engine, EventEngine) and engine.base_finder is find_base

    def engine_for(self, engine: EventEngine, ticker: str, daily: pd.DataFrame) -> EventEngine:
        """An engine like ``engine`` whose finder shares ``ticker``'s memo (cheap to build); the
        engine itself for a history longer than the finder's window, whose first bar moves
        every day (no base of an earlier day could be reused)."""
        if len(daily) > engine.params.finder_window_bars():
            self.forget(ticker)
            return engine
        kept = self._kept.get(ticker)
        rows = bar_rows(daily)
        shared = 0
        if kept is not None and kept.through is not None:
            shared = int(daily.index.searchsorted(pd.Timestamp(kept.through), side="right"))
        hasher = rows_hasher(rows[:shared])
        if kept is not None and kept.through is not None:
            if len(daily) and daily.index[-1].date() >= kept.through and hasher.hexdigest() == kept.digest:
                self.reused += 1
            else:
                kept = None
                self.dropped += 1
        if kept is None:
            kept = self._kept[ticker] = _Kept()
        self._checked[ticker] = (hasher, rows, shared)
        return EventEngine(engine.params, base_finder=partial(find_base, memo=kept.memo))

    def keep(self, ticker: str, daily: pd.DataFrame) -> None:
        """After a scan of ``ticker`` over ``daily``: remember which bars its memo was built on."""
        kept = self._kept.get(ticker)
        checked = self._checked.pop(ticker, None)
        if kept is None or not len(daily):
            return
        if checked is not None and len(checked[1]) == len(daily):
            hasher, rows, shared = checked  # carry on from the bars checked before the step
            hasher.update(rows[shared:].tobytes())
        else:
            hasher = rows_hasher(bar_rows(daily))
        kept.through = daily.index[-1].date()
        kept.digest = hasher.hexdigest()
        forget_before(kept.memo, kept.through - timedelta(days=self.keep_days))
        share_newest_arrays(kept.memo)

    def forget(self, ticker: str) -> None:
        self._kept.pop(ticker, None)
        self._checked.pop(ticker, None)

    def __len__(self) -> int:
        return len(self._kept)


def _weeks_equal(old: BarArrays, new: BarArrays, m: int) -> bool:
    if len(new) < m:
        return False
    return all(np.array_equal(getattr(old, f.name)[:m], getattr(new, f.name)[:m], equal_nan=True)
               for f in fields(BarArrays))


def share_newest_arrays(memo: dict) -> None:
    """Point every kept base at the newest weekly arrays when its weeks are equal there."""
    entries = [(k, v) for k, v in memo.items()
               if isinstance(v, tuple) and len(v) == 3 and isinstance(v[2], BarArrays) and len(k) >= 2]
    if not entries:
        return
    newest = max(entries, key=lambda kv: int(kv[0][-2]))[1][2]
    for key, (near, major, old) in entries:
        if old is newest:
            continue
        used = int(np.searchsorted(old.day, int(key[-2]), side="right"))  # the weeks up to the day it was built through
        if _weeks_equal(old, newest, used):
            memo[key] = (near, major, newest)
        elif used < len(old):
            continue  # its weeks changed since (a revision): it keeps its own arrays
        else:
            del memo[key]  # built through a day that was not a week's end: never asked for again
