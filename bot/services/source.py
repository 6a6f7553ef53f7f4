"""The price source itself: its name, how fresh its data is, the tickers it lists
(the bot's ``about`` and its ticker suggestions)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from bot.market.service import MarketData

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LatestBar:
    date: date
    stale: bool  # served from the cache because the source is down


class SourceService:
    def __init__(self, market: MarketData):
        self.market = market

    @property
    def name(self) -> str:
        return self.market.source_name

    async def latest_bar(self, ticker: str, *, days: int) -> LatestBar:
        """The newest bar of ``ticker`` within the last ``days`` calendar days.

        Raises DataSourceError when the source fails, another BreakoutError when there is no bar."""
        frame = await self.market.history(ticker, start=date.today() - timedelta(days=days))
        return LatestBar(frame.index[-1].date(), bool(frame.attrs.get("stale")))

    def tickers(self) -> list[str]:
        """Tickers the source says it has (a CSV directory can list them; Yahoo cannot: [])."""
        lister = getattr(getattr(self.market, "provider", None), "tickers", None)
        if not callable(lister):
            return []
        try:
            return [str(t).upper() for t in lister()]
        except Exception:
            log.debug("listing the data source's tickers failed", exc_info=True)
            return []
