"""Trend: where the close stands against its 50- and 200-day simple moving averages.

- ``above_50``: today's close > the mean of the last 50 closes (today included).
- ``above_200``: today's close > the mean of the last 200 closes (today included).
- ``rising_200``: the 200-day average today > its value 20 sessions earlier
  (``sma200[t] > sma200[t - 20]``), so it needs 220 closes.

With fewer than 50 closes there is no trend (None); with fewer than 200 (220) closes the
200-day parts are None: the data does not support them, and the words leave them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bot.analysis.evidence._cut import AsOf, cut

SHORT = 50
LONG = 200
RISING_LOOKBACK = 20  # sessions between the two 200-day values compared for "rising"


@dataclass(frozen=True)
class Trend:
    above_50: bool
    above_200: bool | None
    rising_200: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {"above_50": self.above_50, "above_200": self.above_200, "rising_200": self.rising_200}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Trend:
        def opt(key: str) -> bool | None:
            v = d.get(key)
            return None if v is None else bool(v)

        return cls(above_50=bool(d["above_50"]), above_200=opt("above_200"), rising_200=opt("rising_200"))


def trend_at(close: pd.Series, as_of: AsOf = None) -> Trend | None:
    """The trend on the last close on or before ``as_of`` (None with fewer than 50 closes)."""
    c = cut(close, as_of).dropna().to_numpy(dtype=float)
    n = len(c)
    if n < SHORT:
        return None
    last = c[-1]
    above_50 = bool(last > c[-SHORT:].mean())
    above_200 = rising_200 = None
    if n >= LONG:
        sma_now = c[-LONG:].mean()
        above_200 = bool(last > sma_now)
        if n >= LONG + RISING_LOOKBACK:
            sma_then = c[-LONG - RISING_LOOKBACK:-RISING_LOOKBACK].mean()
            rising_200 = bool(sma_now > sma_then)
    return Trend(above_50=above_50, above_200=above_200, rising_200=rising_200)


__all__ = ["LONG", "RISING_LOOKBACK", "SHORT", "Trend", "trend_at"]
