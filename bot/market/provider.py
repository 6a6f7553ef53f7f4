"""The one interface every price source implements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

import pandas as pd


class PriceProvider(Protocol):
    """A source of daily OHLCV bars.

    ``fetch`` returns {ticker: price frame} for the tickers it has data for, with bars
    dated start..end inclusive (None = from the beginning / up to the latest bar).
    Tickers it has nothing for are simply absent from the result. Source failures
    (down, slow, rate-limited) raise :class:`bot.errors.DataSourceError`.
    """

    name: str

    async def fetch(
        self, tickers: Sequence[str], start: date | None = None, end: date | None = None
    ) -> dict[str, pd.DataFrame]: ...
