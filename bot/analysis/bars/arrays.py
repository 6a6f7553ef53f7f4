"""Bar arrays: daily and weekly (W-FRI) OHLC as numpy arrays, and day numbers.

Two layers: DataFrame functions for callers (charts, reports) and array functions that
``find_base`` uses on its hot path (numpy only, no pandas resampling).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

_PER_DAY = {"ns": 86_400_000_000_000, "us": 86_400_000_000, "ms": 86_400_000, "s": 86_400}


def day_numbers(index: pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 for a tz-naive DatetimeIndex or datetime64 array (int64)."""
    values = index.values if isinstance(index, pd.DatetimeIndex) else index
    unit, count = np.datetime_data(values.dtype)
    if count == 1 and unit in _PER_DAY:
        return values.view(np.int64) // _PER_DAY[unit]  # floors, as the cast to days does
    return values.astype("datetime64[D]").astype(np.int64)


def week_ids(days: np.ndarray) -> np.ndarray:
    """W-FRI week number of each day number: Saturday..Friday share one id.

    1970-01-02 (day 1) is a Friday, so (day + 5) // 7 changes exactly on Saturdays.
    """
    return (days + 5) // 7


@dataclass
class BarArrays:
    """OHLC arrays of one timeframe; ``hi_day``/``lo_day`` are day numbers of the high/low."""

    day: np.ndarray  # day number of the bar's last trading day
    open: np.ndarray | None  # None where the caller did not ask for it (find_base does not)
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray | None
    hi_day: np.ndarray
    lo_day: np.ndarray
    cmax: np.ndarray  # highest daily close of the bar (the close itself for daily bars)

    def __len__(self) -> int:
        return len(self.close)

    def cut(self, start: int, end: int) -> BarArrays:
        """The bars at positions [start, end), as views (daily arrays stay daily: their
        ``hi_day``/``lo_day`` are their ``day``, their ``cmax`` their ``close``)."""
        span = slice(start, end)
        day, close = self.day[span], self.close[span]

        def part(a: np.ndarray, same: np.ndarray, cut: np.ndarray) -> np.ndarray:
            return cut if a is same else a[span]

        def optional(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else part(a, self.close, close)

        return BarArrays(day=day, open=optional(self.open), high=self.high[span], low=self.low[span],
                         close=close, volume=optional(self.volume),
                         hi_day=part(self.hi_day, self.day, day), lo_day=part(self.lo_day, self.day, day),
                         cmax=part(self.cmax, self.close, close))


def _first_flag_per_group(flag: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Position of the first True of ``flag`` in each consecutive group (every group has one)."""
    idx = np.flatnonzero(flag)
    g = group[idx]
    keep = np.empty(len(idx), dtype=bool)
    keep[0] = True
    np.not_equal(g[1:], g[:-1], out=keep[1:])
    return idx[keep]


def weekly_arrays(day: np.ndarray, o: np.ndarray | None, h: np.ndarray, l: np.ndarray, c: np.ndarray,
                  v: np.ndarray | None) -> tuple[BarArrays, np.ndarray]:
    """Aggregate daily arrays into W-FRI weeks; returns (weeks, week position of each day).
    ``o`` and ``v`` may be None (then so are the weeks' open and volume)."""
    wid = week_ids(day)
    n = len(day)
    newweek = np.empty(n, dtype=bool)
    newweek[0] = True
    np.not_equal(wid[1:], wid[:-1], out=newweek[1:])
    starts = np.flatnonzero(newweek)
    group = np.cumsum(newweek) - 1
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:] - 1
    ends[-1] = n - 1
    wh = np.maximum.reduceat(h, starts)
    wl = np.minimum.reduceat(l, starts)
    hi_pos = _first_flag_per_group(h == wh[group], group)
    lo_pos = _first_flag_per_group(l == wl[group], group)
    weeks = BarArrays(
        day=day[ends],
        open=o[starts] if o is not None else None,
        high=wh,
        low=wl,
        close=c[ends],
        volume=np.add.reduceat(v, starts) if v is not None else None,
        hi_day=day[hi_pos],
        lo_day=day[lo_pos],
        cmax=np.maximum.reduceat(c, starts),
    )
    return weeks, group


def daily_arrays(df: pd.DataFrame, start: int = 0, end: int | None = None, open_volume: bool = True) -> BarArrays:
    """Arrays of the daily bars at positions [start, end) (views, not copies, where the
    columns are float already); without open and volume unless ``open_volume``."""
    span = slice(start, len(df) if end is None else end)
    day = day_numbers(df.index.values[span])

    def col(name: str) -> np.ndarray:
        return df[name].to_numpy(dtype=float)[span]

    c = col("Close")
    return BarArrays(
        day=day,
        open=col("Open") if open_volume else None,
        high=col("High"),
        low=col("Low"),
        close=c,
        volume=col("Volume") if open_volume else None,
        hi_day=day,
        lo_day=day,
        cmax=c,
    )


def days_to_index(days: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"), name="Date")


_EPOCH = 719163  # date(1970, 1, 1).toordinal()


def day_to_date(d: int) -> date:
    return date.fromordinal(int(d) + _EPOCH)


def last_date(frame: pd.DataFrame) -> date:
    """The date of a non-empty frame's last bar (without boxing a Timestamp, which costs ~10x)."""
    return day_to_date(int(day_numbers(frame.index.values[-1:])[0]))


def date_to_day(d: date) -> int:
    """The day number (as ``day_numbers``) of a date."""
    return d.toordinal() - _EPOCH


def to_weekly(daily: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """Weekly (W-FRI) OHLCV bars from daily bars dated <= as_of.

    The index is each week's last trading day (so a partial last week is dated by its last
    bar). ``HighDate``/``LowDate`` hold the day of the week's high/low (first one on ties).
    """
    if as_of is not None:
        daily = daily[daily.index <= pd.Timestamp(as_of)]
    cols = ["Open", "High", "Low", "Close", "Volume", "HighDate", "LowDate"]
    if daily.empty:
        out = pd.DataFrame(columns=cols, index=pd.DatetimeIndex([], name="Date"))
        return out
    a = daily_arrays(daily)
    w, _ = weekly_arrays(a.day, a.open, a.high, a.low, a.close, a.volume)
    return pd.DataFrame(
        {
            "Open": w.open,
            "High": w.high,
            "Low": w.low,
            "Close": w.close,
            "Volume": w.volume,
            "HighDate": days_to_index(w.hi_day),
            "LowDate": days_to_index(w.lo_day),
        },
        index=days_to_index(w.day),
    )
