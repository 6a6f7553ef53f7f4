"""``base TICKER``: find the base, draw it, and say it in words.

Also the chart of an announced event (the announcer's), kept in a small cache: two servers
tracking the same ticker get one render.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from bot.analysis.base import chart_window, find_base
from bot.analysis.base.params import BaseParams
from bot.analysis.models import BaseResult, Marker
from bot.charts.base_chart import render_base_chart
from bot.dates import parse_date, parse_timeframe
from bot.market.service import MarketData
from bot.services.common import is_stale, lookback_start, safe_filename, source_of
from bot.services.threads import off_loop
from bot.tickers import normalize_ticker
from bot.words.base import base_dict, base_fields, base_headline
from bot.words.reports import data_footer, lines

log = logging.getLogger(__name__)

# All the history find_base reads: the major base looks back 30 years of weeks.
LOOKBACK_DAYS = {tf: BaseParams().history_bars(tf) * 7 // 5 + 60 for tf in ("weekly", "daily")}


@dataclass(frozen=True)
class BaseReport:
    ticker: str
    timeframe: str
    result: BaseResult
    png: bytes = field(repr=False)
    headline: str
    fields: list[tuple[str, str]]
    footer: str
    data_date: date
    stale: bool
    source: str

    @property
    def filename(self) -> str:
        return safe_filename(self.ticker, "base", self.timeframe)

    @property
    def summary(self) -> str:
        return lines(self.headline, self.fields, self.footer)

    def to_dict(self) -> dict:
        return {"ticker": self.ticker, **base_dict(self.result), "data_date": self.data_date.isoformat(),
                "stale": self.stale, "source": self.source}


def analyse(daily: pd.DataFrame, as_of: date | None, timeframe: str) -> tuple[BaseResult, pd.DataFrame]:
    result = find_base(daily, as_of, timeframe=timeframe)
    return result, chart_window(daily, result, timeframe)


async def make_base_report(
    market: MarketData,
    ticker: str,
    *,
    timeframe: str = "weekly",
    as_of: date | str | None = None,
    markers: Sequence[Marker] = (),
    render: bool = True,
) -> BaseReport:
    ticker = normalize_ticker(ticker)
    timeframe = parse_timeframe(timeframe)
    as_of = await market.resolve_as_of([ticker], parse_date(as_of))
    daily = await market.history(ticker, start=lookback_start(as_of, LOOKBACK_DAYS[timeframe]), end=as_of)
    result, bars = await off_loop(analyse, daily, as_of, timeframe)
    png = b""
    if render:
        png = await off_loop(render_base_chart, bars, result, ticker=ticker, timeframe=timeframe, markers=tuple(markers))
    stale = is_stale(daily)
    source = source_of(daily, market.source_name)
    data_date = daily.index[-1].date()
    return BaseReport(
        ticker=ticker,
        timeframe=timeframe,
        result=result,
        png=png,
        headline=base_headline(ticker, result),
        fields=base_fields(result),
        footer=data_footer(data_date, source, stale),
        data_date=data_date,
        stale=stale,
        source=source,
    )


CHART_CACHE = 16  # announcement charts kept: two servers tracking IWM get one render


class BaseService:
    """``base`` for the faces, bound to the market data."""

    def __init__(self, market: MarketData, *, chart_cache: int = CHART_CACHE):
        self.market = market
        self.chart_cache = chart_cache
        self._charts: OrderedDict[str, bytes | None] = OrderedDict()

    async def report(self, ticker: str, *, timeframe: str = "weekly", as_of: date | str | None = None,
                     markers: Sequence[Marker] = (), render: bool = True) -> BaseReport:
        return await make_base_report(self.market, ticker, timeframe=timeframe, as_of=as_of, markers=markers,
                                      render=render)

    async def event_chart(self, key: str, ticker: str, as_of: date | str, markers: Sequence[Marker] = ()) -> bytes | None:
        """The base chart of one announced event (PNG bytes), or None when it cannot be drawn.

        Rendered once per event key while the key stays among the last ``chart_cache`` ones.
        Never raises: a missing chart must not hold the announcement back.
        """
        if key in self._charts:
            return self._charts[key]
        try:
            png = (await self.report(ticker, as_of=as_of, markers=markers)).png or None
        except Exception:
            log.warning("chart for announcement %s failed; posting without it", key, exc_info=True)
            png = None
        self._charts[key] = png
        while len(self._charts) > self.chart_cache:
            self._charts.popitem(last=False)
        return png
