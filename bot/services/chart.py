"""``chart TICKER``: plain candles with volume and 50/200 moving averages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from bot.analysis.bars import to_weekly
from bot.analysis.performance import period_anchor, period_return
from bot.charts.price_chart import render_price_chart
from bot.charts.transport import pack_bars, render_price_packed
from bot.charts.version import chart_code_version
from bot.dates import parse_date, parse_period_text, parse_timeframe
from bot.errors import NotEnoughData
from bot.market.service import MarketData
from bot.services.bar_fingerprint import frame_fingerprint
from bot.services.common import is_stale, lookback_start, safe_filename, source_of
from bot.services.render_cache import ByteBoundedLRU
from bot.services.render_pool import RenderPool
from bot.threads import off_loop
from bot.tickers import normalize_ticker
from bot.words.reports import data_footer, price_headline

MA_WARMUP_BARS = 200


@dataclass(frozen=True)
class PriceReport:
    ticker: str
    timeframe: str
    period: str
    png: bytes = field(repr=False)
    headline: str
    footer: str
    data_date: date
    stale: bool

    @property
    def filename(self) -> str:
        return safe_filename(self.ticker, "chart", self.timeframe, self.period)

    @property
    def summary(self) -> str:
        return f"{self.headline}\n{self.footer}"


def chart_bars(daily: pd.DataFrame, timeframe: str, period: str) -> tuple[pd.DataFrame, int]:
    """(bars to draw: the period plus enough earlier bars for a 200-bar average, how many of them
    the period holds)."""
    bars = to_weekly(daily) if timeframe == "weekly" else daily
    anchor = period_anchor(period, bars.index[-1])
    first = int(bars.index.searchsorted(anchor))
    return bars.iloc[max(0, first - MA_WARMUP_BARS):], len(bars) - first


async def _render_in_thread(bars: pd.DataFrame, *, ticker: str, timeframe: str, show_last: int) -> bytes:
    return await off_loop(render_price_chart, bars, ticker=ticker, timeframe=timeframe, show_last=show_last)


async def make_price_report(
    market: MarketData,
    ticker: str,
    *,
    timeframe: str = "daily",
    period: str = "1y",
    as_of: date | str | None = None,
    cache: ByteBoundedLRU | None = None,
    render_chart=None,
) -> PriceReport:
    """The ``chart`` report; with a ``cache`` the PNG is kept under the ticker, timeframe,
    period, day, every bar read and the chart code's version (as the base charts are)."""
    ticker = normalize_ticker(ticker)
    timeframe = parse_timeframe(timeframe)
    period = parse_period_text(period)
    as_of = await market.resolve_as_of([ticker], parse_date(as_of))
    warmup_days = MA_WARMUP_BARS * (7 if timeframe == "weekly" else 1.5)
    anchor = period_anchor(period, as_of).date()
    daily = await market.history(ticker, start=lookback_start(anchor, int(warmup_days) + 14), end=as_of)
    bars, shown = chart_bars(daily, timeframe, period)
    if shown < 2:
        raise NotEnoughData(f"Not enough {timeframe} bars of {ticker} for {period}.")
    cache = cache if cache is not None else ByteBoundedLRU()
    draw = render_chart or _render_in_thread
    key = ("chart:price", ticker, timeframe, period, as_of, frame_fingerprint(daily), chart_code_version())
    png = await cache.get_or_make(key, lambda: draw(bars, ticker=ticker, timeframe=timeframe, show_last=shown), len)
    change = period_return(daily["Close"], period)
    stale = is_stale(daily)
    data_date = daily.index[-1].date()
    last = float(daily["Close"].iloc[-1])
    return PriceReport(
        ticker=ticker,
        timeframe=timeframe,
        period=period,
        png=png,
        headline=price_headline(ticker, timeframe, period, last, change),
        footer=data_footer(data_date, source_of(daily, market.source_name), stale),
        data_date=data_date,
        stale=stale,
    )


class ChartService:
    """``chart`` (plain candles) for the faces, bound to the market data; its charts kept in
    ``cache`` (the bot shares the base charts' one) and drawn in ``pool`` when given."""

    def __init__(self, market: MarketData, *, cache: ByteBoundedLRU | None = None, pool: RenderPool | None = None):
        self.market = market
        self.cache = cache if cache is not None else ByteBoundedLRU()
        self.pool = pool

    async def _render(self, bars: pd.DataFrame, *, ticker: str, timeframe: str, show_last: int) -> bytes:
        if self.pool is None:
            return await _render_in_thread(bars, ticker=ticker, timeframe=timeframe, show_last=show_last)
        async def in_thread() -> bytes:
            return await off_loop(render_price_chart, bars, ticker=ticker, timeframe=timeframe, show_last=show_last)

        return await self.pool.run(render_price_packed, pack_bars(bars), ticker, timeframe, show_last,
                                   fallback=in_thread)

    async def report(self, ticker: str, *, timeframe: str = "daily", period: str = "1y",
                     as_of: date | str | None = None) -> PriceReport:
        return await make_price_report(self.market, ticker, timeframe=timeframe, period=period, as_of=as_of,
                                       cache=self.cache, render_chart=self._render)
