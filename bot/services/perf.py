"""``perf``: the period-return table as text (the seed's "+23% / +51% / +13% / +15%" view)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.analysis.models import Comparison
from bot.analysis.performance import compare
from bot.dates import parse_date, parse_period_text
from bot.market.service import MarketData
from bot.services.closes import MAX_TICKERS, fetch_closes
from bot.services.common import is_stale
from bot.tickers import normalize_tickers
from bot.words.compare import perf_headline, returns_table
from bot.words.reports import data_footer, ends_earlier

DEFAULT_TICKERS = ("SPY", "QQQ", "IWM", "MDY")
MAX_PERF = MAX_TICKERS * 2  # rows of one returns table


@dataclass(frozen=True)
class PerfReport:
    comparison: Comparison
    text: str
    headline: str
    footer: str
    data_date: date
    stale: bool
    note: str = ""  # which tickers' prices end before the others' ('' when they all end on one day)

    @property
    def summary(self) -> str:
        return "\n".join(x for x in (self.headline, self.text, self.note, self.footer) if x)


async def make_perf_report(
    market: MarketData,
    tickers: Sequence[str] | None = None,
    *,
    period: str = "ytd",
    as_of: date | str | None = None,
) -> PerfReport:
    tickers = normalize_tickers(tickers or DEFAULT_TICKERS, minimum=1, maximum=MAX_PERF)
    period = parse_period_text(period)
    frames, closes, day = await fetch_closes(market, tickers, period, parse_date(as_of))
    comparison = compare(closes, period, day)
    stale = is_stale(*frames.values())
    return PerfReport(
        comparison=comparison,
        text=returns_table(comparison),
        headline=perf_headline(period, comparison.start, comparison.end),
        footer=data_footer(comparison.end, market.source_name, stale),
        data_date=comparison.end,
        stale=stale,
        note=ends_earlier({t: df.index[-1].date() for t, df in frames.items() if not df.empty}),
    )


class PerfService:
    """``perf`` for the faces, bound to the market data."""

    def __init__(self, market: MarketData):
        self.market = market

    async def report(self, tickers: Sequence[str] | None = None, *, period: str = "ytd",
                     as_of: date | str | None = None) -> PerfReport:
        return await make_perf_report(self.market, tickers, period=period, as_of=as_of)
