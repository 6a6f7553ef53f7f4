"""Numpy views of one daily price frame plus the causal indicators the event engine needs.

Every value at position ``i`` depends only on bars ``0..i`` (ATR) or ``i-window..i``
(volume ratio), so the engine never sees a bar after the one it is processing.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from bot.analysis.bars.arrays import BarArrays, date_to_day, day_numbers, day_to_date
from bot.analysis.bars.indicators import atr_values


class DailyBars:
    """Arrays of a price frame, with helpers to turn positions into dates and back."""

    __slots__ = ("frame", "days", "close", "_atr_period", "_high", "_low", "_volume", "_atr", "_iso", "_arrays")

    def __init__(self, daily: pd.DataFrame, atr_period: int = 14):
        self.frame = daily
        self.days = day_numbers(daily.index.values)  # day numbers of the bars (dates without the time)
        self.close = daily["Close"].to_numpy(dtype=float)
        self._atr_period = atr_period
        # the rest is built on first use: most bars of a daily scan only need the closes
        self._high: np.ndarray | None = None
        self._low: np.ndarray | None = None
        self._volume: np.ndarray | None = None
        self._atr: np.ndarray | None = None
        self._iso: dict[int, str] = {}
        self._arrays: BarArrays | None = None

    @property
    def high(self) -> np.ndarray:
        if self._high is None:
            self._high = self.frame["High"].to_numpy(dtype=float)
        return self._high

    @property
    def low(self) -> np.ndarray:
        if self._low is None:
            self._low = self.frame["Low"].to_numpy(dtype=float)
        return self._low

    @property
    def volume(self) -> np.ndarray:
        if self._volume is None:
            f = self.frame
            self._volume = f["Volume"].to_numpy(dtype=float) if "Volume" in f.columns else np.full(len(f), np.nan)
        return self._volume

    @property
    def atr(self) -> np.ndarray:
        if self._atr is None:
            self._atr = atr_values(self.high, self.low, self.close, self._atr_period)
        return self._atr

    def __len__(self) -> int:
        return len(self.close)

    def arrays(self) -> BarArrays:
        """The daily arrays ``find_base`` reads (day, high, low, close) over every bar, built
        once from the columns already read."""
        if self._arrays is None:
            self._arrays = BarArrays(day=self.days, open=None, high=self.high, low=self.low, close=self.close,
                                     volume=None, hi_day=self.days, lo_day=self.days, cmax=self.close)
        return self._arrays

    def date(self, i: int) -> date:
        return day_to_date(self.days[i])

    def iso(self, i: int) -> str:
        s = self._iso.get(i)
        if s is None:
            s = self._iso[i] = self.date(i).isoformat()
        return s

    def pos(self, iso_date: str) -> int:
        """Position of the first bar dated on or after ``iso_date``."""
        return int(np.searchsorted(self.days, date_to_day(date.fromisoformat(iso_date))))

    def after(self, iso_date: str | None) -> int:
        """Position of the first bar dated strictly after ``iso_date`` (0 if None)."""
        if iso_date is None:
            return 0
        return int(np.searchsorted(self.days, date_to_day(date.fromisoformat(iso_date)), side="right"))

    def atr_before(self, i: int) -> float:
        """ATR as known at the close before bar ``i`` (the trigger is set before the bar)."""
        return float(self.atr[i - 1]) if i > 0 else float("nan")

    def volume_ratio(self, i: int, window: int = 50, min_bars: int = 20) -> float | None:
        """Volume of bar ``i`` over the mean of the ``window`` bars before it (today excluded)."""
        lo = max(0, i - window)
        if i - lo < min_bars:
            return None
        past = self.volume[lo:i]
        mean = float(np.nanmean(past)) if np.isfinite(past).any() else float("nan")
        v = float(self.volume[i])
        if not (mean > 0) or not np.isfinite(v):
            return None
        return v / mean
