"""Price bars packed by calendar year: what ``price_packs`` holds for each (ticker, year).

A pack is the year's bars as one float64 array of 7 rows (day number since 1970-01-01, open,
high, low, close, volume, adj close; NaN where a value is missing), oldest bar first, as raw
little-endian bytes. Day numbers are whole numbers far below 2**53, so float64 holds them
exactly. Reading 30 packs and joining them costs a fraction of a millisecond, where building
the same bars from 7,900 rows costs tens (one Python object per value).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

ROWS = 7  # day number, open, high, low, close, volume, adj close
_DTYPE = np.dtype("<f8")
_EPOCH_YEAR = 1970


def arrays_of_rows(rows: Sequence[Sequence]) -> np.ndarray:
    """(7, n) float64 of (ISO day or date, open, high, low, close, volume, adj close) rows; None is NaN."""
    if not rows:
        return np.empty((ROWS, 0), dtype=_DTYPE)
    days, *columns = zip(*rows)
    out = np.empty((ROWS, len(rows)), dtype=_DTYPE)
    out[0] = np.array(days, dtype="datetime64[D]").astype(np.int64)
    out[1:] = np.array(columns, dtype=float)
    return out


def years_of(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day number."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + _EPOCH_YEAR


def pack(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a, dtype=_DTYPE).tobytes()


def unpack(data: bytes, bars: int) -> np.ndarray:
    a = np.frombuffer(data, dtype=_DTYPE)
    if a.size != ROWS * bars:
        raise ValueError(f"a price pack of {a.size} values for {bars} bars")
    return a.reshape(ROWS, bars)


def by_year(a: np.ndarray) -> dict[int, np.ndarray]:
    """The bars of ``a`` sorted by day (of one day written twice, the later row, as an upsert
    of the rows in order keeps) and split by calendar year."""
    if a.shape[1] == 0:
        return {}
    a = a[:, np.argsort(a[0], kind="stable")]
    last_of_day = np.ones(a.shape[1], dtype=bool)
    last_of_day[:-1] = a[0][1:] != a[0][:-1]
    a = a[:, last_of_day]
    years = years_of(a[0].astype(np.int64))
    cuts = np.flatnonzero(years[1:] != years[:-1]) + 1
    return {int(years[part[0]]): a[:, part] for part in np.split(np.arange(a.shape[1]), cuts)}


def merged(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``old`` with ``new`` written over it, as an upsert of rows does: a day in both takes
    ``new``'s values; sorted by day."""
    keep = old[:, ~np.isin(old[0], new[0])]
    both = np.concatenate((keep, new), axis=1)
    return both[:, np.argsort(both[0], kind="stable")]


def joined(packs: Iterable[np.ndarray], first_day: int, last_day: int) -> np.ndarray:
    """The bars of ``first_day``..``last_day`` (day numbers, inclusive) of packs in year order, as
    one writable array."""
    parts = list(packs)
    if not parts:
        return np.empty((ROWS, 0), dtype=_DTYPE)
    # cut each pack to the range first, then copy once (the packs' bytes are read-only)
    cut = []
    for a in parts:
        lo = int(np.searchsorted(a[0], first_day, side="left"))
        hi = int(np.searchsorted(a[0], last_day, side="right"))
        if hi > lo:
            cut.append(a[:, lo:hi])
    if not cut:
        return np.empty((ROWS, 0), dtype=_DTYPE)
    return np.concatenate(cut, axis=1) if len(cut) > 1 else cut[0].copy()
