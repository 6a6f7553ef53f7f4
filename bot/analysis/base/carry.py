"""What a ``find_base`` memo carries from one call to the next besides the bases: a checksum of
the bars they were built from, and the call's analysis arrays (weekly bars and their ATR).

A caller keeps a memo between calls on growing prefixes of one ticker's bars (a replay, or
the daily scan from one evening to the next). Two things make that both safe and cheap:

* **The bars are checked.** The memo remembers a running CRC-32 of the day, high, low and
  close columns (all ``find_base`` reads) of the bars its bases were built on; a call whose
  first bars differ (a revised bar, a split, another first bar) empties the memo first. So
  the answer is the same with or without a memo, whoever keeps it.
* **The arrays are extended, not rebuilt.** With the first bars unchanged, every week but the
  last of the previous call is unchanged too, and so is its ATR (a causal recursion): only
  the last week and the new ones are aggregated, and the ATR recursion carries on from the
  last unchanged week. ``tests/analysis/base/test_carry.py`` checks both against a
  rebuild from scratch on real data.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from bot.analysis.bars import BarArrays, atr_values, true_range, week_ids, weekly_arrays

if TYPE_CHECKING:
    from bot.analysis.base.memo import FinderMemo


def _crcs(d: BarArrays, lo: int, hi: int, start: tuple[int, ...] = (0, 0, 0, 0)) -> tuple[int, ...]:
    """Running CRC-32 of rows [lo, hi) of the columns ``find_base`` reads, from ``start``."""
    out = []
    for col, crc in zip((d.day, d.high, d.low, d.close), start):
        part = np.ascontiguousarray(col[lo:hi])
        out.append(zlib.crc32(part.data.cast("B"), crc))
    return tuple(out)


@dataclass(frozen=True)
class BarsSeen:
    """The bars a memo's entries were built on: the first bar's day number, how many bars, and a
    running CRC-32 of the day, high, low and close columns (all ``find_base`` reads)."""

    first_day: int
    rows: int
    crcs: tuple[int, ...]


def check_bars(memo: FinderMemo, d: BarArrays) -> int:
    """Empty ``memo`` unless the bars it was built on are the first bars of ``d``; then record
    ``d``'s. Returns how many leading bars of ``d`` the memo's entries were built on."""
    n = len(d)
    got = memo.seen
    shared = 0
    crcs: tuple[int, ...] = (0, 0, 0, 0)
    if got is not None:
        if got.rows <= n and got.first_day == int(d.day[0]) and _crcs(d, 0, got.rows) == got.crcs:
            shared, crcs = got.rows, got.crcs
        else:
            memo.clear()
            memo.resets += 1
    memo.seen = BarsSeen(int(d.day[0]), n, _crcs(d, shared, n, crcs) if shared < n else crcs)
    return shared


def resets(memo: FinderMemo) -> int:
    """How many times ``check_bars`` emptied ``memo`` because its bars had changed."""
    return memo.resets


@dataclass
class AnalysisArrays:
    rows: int  # daily bars they were built from
    bars: BarArrays  # weekly (or the daily arrays themselves)
    atrv: np.ndarray


def analysis_arrays(d: BarArrays, weekly: bool, atr_n: int, memo: FinderMemo | None = None,
                    shared: int = 0) -> tuple[BarArrays, np.ndarray]:
    """(the bars the bases are built from: ``d``'s W-FRI weeks, or ``d`` itself for the daily
    timeframe; their ATR). With ``memo``, the arrays of an
    earlier call whose bars were the first ``shared`` of ``d`` (``check_bars``) are extended
    over the new bars rather than rebuilt."""
    key = (weekly, atr_n)
    prev = memo.arrays.get(key) if memo is not None else None
    if prev is not None and 0 < prev.rows <= shared:
        got = _extended(prev, d, weekly, atr_n)
    else:
        got = _built(d, weekly, atr_n)
    if memo is not None:
        memo.arrays[key] = got
    return got.bars, got.atrv


def _built(d: BarArrays, weekly: bool, atr_n: int) -> AnalysisArrays:
    bars = weekly_arrays(d.day, None, d.high, d.low, d.close, None)[0] if weekly else d
    return AnalysisArrays(len(d), bars, atr_values(bars.high, bars.low, bars.close, atr_n))


def _extended(prev: AnalysisArrays, d: BarArrays, weekly: bool, atr_n: int) -> AnalysisArrays:
    """``_built(d)`` from ``prev``, built on the first ``prev.rows`` bars of ``d``."""
    if not weekly:
        bars, keep = d, prev.rows
    else:
        last = len(prev.bars) - 1  # the previous call's last week may have gained days
        first_day = int(np.searchsorted(d.day, prev.bars.day[last - 1], side="right")) if last else 0
        tail = _few_weeks(d.day[first_day:], d.high[first_day:], d.low[first_day:], d.close[first_day:])
        old = prev.bars

        def cat(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return np.concatenate((a[:last], b))

        bars = BarArrays(day=cat(old.day, tail.day), open=None, high=cat(old.high, tail.high),
                         low=cat(old.low, tail.low), close=cat(old.close, tail.close), volume=None,
                         hi_day=cat(old.hi_day, tail.hi_day), lo_day=cat(old.lo_day, tail.lo_day),
                         cmax=cat(old.cmax, tail.cmax))
        keep = last
    return AnalysisArrays(len(d), bars, _atr_extended(prev.atrv, keep, bars, atr_n))


def _few_weeks(day: np.ndarray, high: np.ndarray, low: np.ndarray, close: np.ndarray) -> BarArrays:
    """``weekly_arrays`` of a few days (the last week or two), in plain Python: for a handful
    of values a dozen numpy calls cost more than the loop. Missing values take numpy's path."""
    h, lo, c = high.tolist(), low.tolist(), close.tolist()
    if any(x != x for x in (*h, *lo, *c)):
        return weekly_arrays(day, None, high, low, close, None)[0]
    out: list[list[float]] = []  # per week: day, high, low, close, hi_day, lo_day, cmax
    week = None
    for dd, hh, ll, cc in zip(day.tolist(), h, lo, c):
        wid = week_ids(dd)
        if wid != week:
            week = wid
            out.append([dd, hh, ll, cc, dd, dd, cc])
            continue
        w = out[-1]
        w[0], w[3] = dd, cc
        if hh > w[1]:  # (ties keep the first day, as weekly_arrays does)
            w[1], w[4] = hh, dd
        if ll < w[2]:
            w[2], w[5] = ll, dd
        if cc > w[6]:
            w[6] = cc
    cols = list(zip(*out))
    ints, floats = np.int64, np.float64
    return BarArrays(day=np.array(cols[0], dtype=ints), open=None, high=np.array(cols[1], dtype=floats),
                     low=np.array(cols[2], dtype=floats), close=np.array(cols[3], dtype=floats), volume=None,
                     hi_day=np.array(cols[4], dtype=ints), lo_day=np.array(cols[5], dtype=ints),
                     cmax=np.array(cols[6], dtype=floats))


def _atr_extended(atrv: np.ndarray, keep: int, bars: BarArrays, n: int) -> np.ndarray:
    """``atr_values`` of ``bars`` given its first ``keep`` values (of bars unchanged since):
    the recursion a += (tr - a) / n carried on from there, in the order of operations of the
    exponential mean ``atr_values`` runs (pandas' ``ewm(alpha=1/n, adjust=False)``)."""
    m = len(bars)
    if keep < n or keep > len(atrv):
        return atr_values(bars.high, bars.low, bars.close, n)  # still in the seed, or nothing kept
    lo = keep - 1
    tr = true_range(bars.high[lo:], bars.low[lo:], bars.close[lo:]).tolist()
    w = float(atrv[keep - 1])
    if math.isnan(w) or any(math.isnan(x) for x in tr[1:]):
        return atr_values(bars.high, bars.low, bars.close, n)  # missing values: the full path
    alpha = 1.0 / n
    old = 1.0 - alpha
    out = np.empty(m)
    out[:keep] = atrv[:keep]
    for i, x in enumerate(tr[1:], start=keep):
        if w != x:
            w = old * w + alpha * x
            w /= old + alpha
        out[i] = w
    return out
