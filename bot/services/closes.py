"""Close series for period comparisons, fetched in one batch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.analysis.performance import period_anchor
from bot.market.bounds import check_period_start
from bot.market.service import MarketData
from bot.services.common import lookback_start

MAX_TICKERS = 6


async def fetch_closes(market: MarketData, tickers: Sequence[str], period: str, as_of: date | None):
    as_of = await market.resolve_as_of(tickers, as_of)
    anchor = period_anchor(period, as_of).date()
    spans = await market.known_spans(tickers)
    if spans is not None:
        check_period_start(spans, anchor, period)
    start = lookback_start(anchor, 14)  # a couple of weeks before the anchor covers holidays
    frames = await market.histories(tickers, start=start, end=as_of, strict=True)
    return frames, {t: frames[t]["Close"] for t in tickers}, as_of
