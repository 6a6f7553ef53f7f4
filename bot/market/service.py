"""MarketData: the one object the rest of the program asks for prices."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd

from bot.errors import NotEnoughData, UnknownTicker
from bot.market.bounds import EARLIEST_PRICES, Span, bound_as_of, not_in_future, window
from bot.market.calendar import NEW_YORK
from bot.market.frames import clip
from bot.market.provider import PriceProvider

log = logging.getLogger(__name__)


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

    def today(self) -> date:
        return datetime.now(NEW_YORK).date()

    async def span(self, ticker: str) -> Span | None:
        """The ticker's first and last bar (None: the source has nothing for it). Cheap for a
        folder of files; otherwise it asks for the whole history (cached when there is a cache)."""
        cheap = getattr(self.provider, "span", None)
        if cheap is not None:
            found = await cheap(ticker)
        else:
            df = (await self.histories([ticker])).get(ticker)
            found = None if df is None or df.empty else (df.index[0].date(), df.index[-1].date())
        return None if found is None else Span(ticker, *found)

    async def known_spans(self, tickers: Sequence[str]) -> list[Span] | None:
        """Every ticker's span when the source can tell without a download, else None.
        A ticker the source has nothing for is UnknownTicker."""
        if getattr(self.provider, "span", None) is None:
            return None
        return [await self._known_span(t) for t in tickers]

    async def _known_span(self, ticker: str) -> Span:
        span = await self.span(ticker)
        if span is None:
            raise UnknownTicker(f"No price data found for `{ticker}`. Is the symbol right?")
        return span

    async def resolve_as_of(self, tickers: Sequence[str], as_of: date | None) -> date:
        """``as_of`` checked against the data, or the newest date the source can have data for.

        A live source answers today (New York); a folder of files answers its newest bar,
        so "latest" means the same thing for both. A future date is BadArgument; a date
        before a ticker's first bar is NotEnoughData naming the data's range; a date after
        the data's last bar becomes that bar (the answer says which day it is from).
        """
        if as_of is not None:
            not_in_future(as_of, self.today())
            spans = await self.known_spans(tickers)
            if spans is None and as_of < EARLIEST_PRICES:  # check before any date arithmetic
                spans = [await self._known_span(t) for t in tickers]
            return as_of if spans is None else bound_as_of(spans, as_of)
        latest = getattr(self.provider, "latest_date", None)
        if latest is not None:
            found = await latest(list(tickers))
            if found is not None:
                return found
        return self.today()

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

        With ``strict`` a ticker without data raises UnknownTicker (the source has nothing
        for it) or NotEnoughData naming the dates it has (nothing in this window); otherwise it is
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
                    # known, but not in this window? Then say which dates the data has.
                    span = await self._known_span(t)
                    raise NotEnoughData(f"No {t} prices {window(start, end)}: {span}.")
                log.info("no data for %s from %s", t, self.source_name)
                continue
            df = clip(df, start, end)
            df.attrs.setdefault("source", self.source_name)
            out[t] = df
        return out
