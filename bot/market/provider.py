"""The one interface every price source implements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

import pandas as pd

from bot.errors import DataSourceError


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


class PriceBatch(dict):
    """{ticker: frame}, plus the error for each ticker the source failed on (down, or its
    file unreadable) that had nothing to serve instead."""

    def __init__(self, *args, unavailable: dict[str, DataSourceError] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unavailable: dict[str, DataSourceError] = unavailable or {}
