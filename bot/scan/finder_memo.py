"""The daily scan's pre-filter: each ticker's base finder reuses the bases it built in earlier scans.

On a new bar, ``find_base`` rebuilds the bases as they stood on the recent days a breakout could
have happened (the "line day" before each candidate close of the last ~50 sessions) and on the new
day. All but the last were built by the previous scan already, on the same bars. ``find_base``
takes a ``memo`` for exactly this ("a dict the caller keeps between calls on growing prefixes of
one frame ... the answer is the same with or without it"); the engine shares one within a replay,
and this module keeps one per ticker from one daily scan to the next.

The memo is keyed by the frame's first bar and each day's close; on top of that a ticker's memo
is kept only while every bar it was built from is unchanged (a digest of the bars up to the last
scanned day: CRC-32 and Adler-32 of every column): a split or a revised bar drops it, and the bases are built afresh.

Memory: each kept base points at the weekly arrays of the day it was built on (≈ 40 KB for ten
years). After a scan, ``share_arrays`` (bot.analysis.base) points a base whose weeks (up to the
day it was built through) are equal in the newest arrays at those instead, so a ticker holds one
set of arrays, not one per day; a base that cannot be (changed weeks) keeps its own or is dropped.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

import numpy as np
import pandas as pd

from bot.analysis.base import find_base, forget_before, share_arrays
from bot.analysis.events import EventEngine
from bot.market.frames import OHLCV

# Bases built through days older than this are dropped: a new day asks only for the last
# ~50 sessions' (BaseParams.scan_days) and for its own.
KEEP_DAYS = 100


def bar_columns(daily: pd.DataFrame) -> list[np.ndarray]:
    """The dates (int64 ns) and OHLCV columns (float64) the bases are built from, uncopied."""
    dates = np.ascontiguousarray(pd.DatetimeIndex(daily.index).as_unit("ns").asi8, dtype=np.int64)
    return [dates, *(np.ascontiguousarray(daily[c].to_numpy(dtype=float)) for c in OHLCV)]


class BarsChecksum:
    """A running checksum (CRC-32 and Adler-32 of every column) of the first rows of a frame,
    extendable by later rows: tells a revised, split-adjusted or inserted bar from the same bars."""

    def __init__(self, columns: list[np.ndarray]):
        self.columns = columns
        self.rows = 0
        self._sums = [(0, 1)] * len(columns)

    def extend(self, rows: int) -> "BarsChecksum":
        """Take rows [self.rows, rows) into the checksum."""
        sums = []
        for col, (crc, adler) in zip(self.columns, self._sums):
            part = memoryview(col[self.rows : rows]).cast("B")
            sums.append((zlib.crc32(part, crc), zlib.adler32(part, adler)))
        self._sums, self.rows = sums, rows
        return self

    def value(self) -> str:
        return f"{self.rows}:" + ",".join(f"{c:08x}{a:08x}" for c, a in self._sums)


@dataclass
class _Kept:
    memo: dict = field(default_factory=dict)
    through: date | None = None  # the last bar the memo's bases were built on
    digest: str = ""  # checksum of the bars up to ``through``


class FinderMemos:
    """One ``find_base`` memo per ticker, carried from one scan to the next."""

    def __init__(self, keep_days: int = KEEP_DAYS):
        self.keep_days = keep_days
        self._kept: dict[str, _Kept] = {}
        self._checked: dict[str, BarsChecksum] = {}  # ticker -> the checksum of the rows checked before its step
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
        shared = 0
        if kept is not None and kept.through is not None:
            shared = int(daily.index.searchsorted(pd.Timestamp(kept.through), side="right"))
        checksum = BarsChecksum(bar_columns(daily)).extend(shared)
        if kept is not None and kept.through is not None:
            if len(daily) and daily.index[-1].date() >= kept.through and checksum.value() == kept.digest:
                self.reused += 1
            else:
                kept = None
                self.dropped += 1
        if kept is None:
            kept = self._kept[ticker] = _Kept()
        self._checked[ticker] = checksum
        return EventEngine(engine.params, base_finder=partial(find_base, memo=kept.memo))

    def keep(self, ticker: str, daily: pd.DataFrame) -> None:
        """After a scan of ``ticker`` over ``daily``: remember which bars its memo was built on."""
        kept = self._kept.get(ticker)
        checked = self._checked.pop(ticker, None)
        if kept is None or not len(daily):
            return
        if checked is not None and len(checked.columns[0]) == len(daily):
            checksum = checked.extend(len(daily))  # carry on from the bars checked before the step
        else:
            checksum = BarsChecksum(bar_columns(daily)).extend(len(daily))
        kept.through = daily.index[-1].date()
        kept.digest = checksum.value()
        forget_before(kept.memo, kept.through - timedelta(days=self.keep_days))
        share_arrays(kept.memo)

    def forget(self, ticker: str) -> None:
        self._kept.pop(ticker, None)
        self._checked.pop(ticker, None)

    def __len__(self) -> int:
        return len(self._kept)
