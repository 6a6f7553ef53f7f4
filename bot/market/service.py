"""MarketData: the one object the rest of the program asks for prices."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from bot.errors import UnknownTicker
from bot.market.frames import clip
from bot.market.provider import PriceProvider

log = logging.getLogger(__name__)
NEW_YORK = ZoneInfo("America/New_York")


class MarketData:
    """Prices for one or many tickers, through the cache when there is one.

    Returned frames follow the convention in :mod:`bot.market`. ``df.attrs["stale"]`` is
    True when the source failed and cached bars were served instead; ``df.attrs["source"]``
    names the provider.
    """

    def __init__(self, provider: PriceProvider, cache=None):
        self.provider = provider
        self.cache = cache

    @property
    def source_name(self) -> str:
        return getattr(self.provider, "name", type(self.provider).__name__)

    async def resolve_as_of(self, tickers: Sequence[str], as_of: date | None) -> date:
        """``as_of`` itself, or the newest date the source can have data for.

        A live source answers today (New York); a folder of files answers its newest bar,
        so "latest" means the same thing for both.
        """
        if as_of is not None:
            return as_of
        latest = getattr(self.provider, "latest_date", None)
        if latest is not None:
            found = await latest(list(tickers))
            if found is not None:
                return found
        return datetime.now(NEW_YORK).date()

    async def history(self, ticker: str, *, start: date | None = None, end: date | None = None) -> pd.DataFrame:
        """Daily bars of one ticker; raises UnknownTicker or DataSourceError."""
        frames = await self.histories([ticker], start=start, end=end, strict=True)
        return frames[ticker]

    async def histories(
        self,
        tickers: Sequence[str],
        *,
        start: date | None = None,
        end: date | None = None,
        strict: bool = False,
    ) -> dict[str, pd.DataFrame]:
        """Daily bars for many tickers in one batched request.

        With ``strict`` a ticker without data raises UnknownTicker; otherwise it is
        left out of the result (and logged).
        """
        tickers = list(dict.fromkeys(tickers))
        if self.cache is not None:
            frames = await self.cache.get_many(self.provider, tickers, start=start, end=end)
        else:
            frames = await self.provider.fetch(tickers, start, end)
        out: dict[str, pd.DataFrame] = {}
        for t in tickers:
            df = frames.get(t)
            if df is None or df.empty:
                failure = getattr(frames, "unavailable", {}).get(t)
                if failure is not None and (strict or not frames):
                    raise failure  # the source is down and nothing is cached: say so
                if strict:
                    raise UnknownTicker(f"No price data found for `{t}`. Is the symbol right?")
                log.info("no data for %s from %s", t, self.source_name)
                continue
            df = clip(df, start, end)
            df.attrs.setdefault("source", self.source_name)
            out[t] = df
        return out
