"""``compare T1 T2 …``: relative performance as a table, a ratio and a chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.analysis.models import Comparison
from bot.analysis.performance import compare
from bot.charts.compare_chart import render_compare_chart
from bot.dates import parse_date, parse_period_text
from bot.market.service import MarketData
from bot.services.closes import MAX_TICKERS, fetch_closes
from bot.services.common import is_stale, safe_filename
from bot.threads import off_loop
from bot.tickers import normalize_tickers
from bot.words.compare import comparison_fields, comparison_headline, returns_table
from bot.words.reports import data_footer

MAX_COMPARE = MAX_TICKERS  # tickers on one comparison chart

@dataclass(frozen=True)
class CompareReport:
    comparison: Comparison
    png: bytes = field(repr=False)
    headline: str
    fields: list[tuple[str, str]]
    footer: str
    data_date: date
    stale: bool

    @property
    def filename(self) -> str:
        return safe_filename("compare", *self.comparison.tickers, self.comparison.period)

    @property
    def summary(self) -> str:
        return f"{self.headline}\n{returns_table(self.comparison)}\n" + "\n".join(
            f"{n}: {v}" for n, v in self.fields[1:]
        ) + f"\n{self.footer}"


async def make_compare_report(
    market: MarketData,
    tickers: Sequence[str],
    *,
    period: str = "ytd",
    as_of: date | str | None = None,
    render: bool = True,
) -> CompareReport:
    tickers = normalize_tickers(tickers, minimum=2, maximum=MAX_COMPARE)
    period = parse_period_text(period)
    frames, closes, day = await fetch_closes(market, tickers, period, parse_date(as_of))
    comparison = compare(closes, period, day)
    png = await off_loop(render_compare_chart, comparison) if render else b""
    stale = is_stale(*frames.values())
    return CompareReport(
        comparison=comparison,
        png=png,
        headline=comparison_headline(comparison),
        fields=comparison_fields(comparison),
        footer=data_footer(comparison.end, market.source_name, stale),
        data_date=comparison.end,
        stale=stale,
    )


class CompareService:
    """``compare`` for the faces, bound to the market data."""

    def __init__(self, market: MarketData):
        self.market = market

    async def report(self, tickers: Sequence[str], *, period: str = "ytd", as_of: date | str | None = None,
                     render: bool = True) -> CompareReport:
        return await make_compare_report(self.market, tickers, period=period, as_of=as_of, render=render)
