"""``base TICKER``: find the base, draw it, and say it in words.

Also the chart of an announced event (the announcer's). Analyses and charts are kept in one
bounded cache (:mod:`bot.services.render_cache`), keyed by what determines them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from bot.analysis.base import chart_window, find_base
from bot.analysis.base.params import BaseParams
from bot.analysis.evidence import Evidence
from bot.analysis.models import BaseResult, Marker
from bot.charts.base_chart import render_base_chart
from bot.charts.transport import PackedBars, pack_bars, unpack_bars
from bot.charts.version import chart_code_version
from bot.dates import parse_date, parse_timeframe
from bot.errors import StoreUnavailable
from bot.market.service import MarketData
from bot.services.bar_fingerprint import frame_fingerprint
from bot.services.common import is_stale, lookback_start, safe_filename, source_of
from bot.services.render_cache import DEFAULT_MAX_BYTES, ByteBoundedLRU
from bot.services.render_pool import RenderPool
from bot.threads import off_loop
from bot.tickers import normalize_ticker
from bot.words.base import base_dict, base_fields, base_headline, evidence_fields
from bot.words.reports import data_footer, lines

log = logging.getLogger(__name__)

ChartRenderer = Callable[..., Awaitable[bytes]]
Analyser = Callable[[pd.DataFrame, date, str], Awaitable[tuple[BaseResult, pd.DataFrame]]]
# (the ticker's bars, the ticker, the day) -> the evidence beside its base (bot.services.evidence)
EvidenceGatherer = Callable[[pd.DataFrame, str, date], Awaitable[Evidence]]

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
    evidence: Evidence | None = None  # what stands beside the base: RS, trend, market, earnings


    @property
    def filename(self) -> str:
        return safe_filename(self.ticker, "base", self.timeframe)

    @property
    def summary(self) -> str:
        return lines(self.headline, self.fields, self.footer)

    def to_dict(self) -> dict:
        return {"ticker": self.ticker, **base_dict(self.result),
                "evidence": self.evidence.to_dict() if self.evidence is not None else None,
                "data_date": self.data_date.isoformat(), "stale": self.stale, "source": self.source}


def analyse(daily: pd.DataFrame, as_of: date | None, timeframe: str) -> tuple[BaseResult, pd.DataFrame]:
    result = find_base(daily, as_of, timeframe=timeframe)
    return result, chart_window(daily, result, timeframe)


def analyse_packed(packed: PackedBars, as_of: date | None, timeframe: str) -> tuple[BaseResult, PackedBars]:
    """:func:`analyse` of bars packed as arrays, the chart window packed back (a worker's entry point)."""
    result, bars = analyse(unpack_bars(packed), as_of, timeframe)
    return result, pack_bars(bars)


def analysis_size(analysis: tuple[BaseResult, pd.DataFrame]) -> int:
    """Bytes an analysis holds in the cache: its chart window plus the result (a few KB)."""
    return int(analysis[1].memory_usage(index=True, deep=False).sum()) + 4096


def markers_key(markers: Sequence[Marker]) -> tuple:
    return tuple((m.date, round(float(m.price), 6), m.label, m.kind) for m in markers)


async def _analyse_in_thread(daily: pd.DataFrame, as_of: date, timeframe: str) -> tuple[BaseResult, pd.DataFrame]:
    return await off_loop(analyse, daily, as_of, timeframe)


async def _render_in_thread(bars: pd.DataFrame, result: BaseResult, *, ticker: str, timeframe: str,
                            markers: tuple[Marker, ...]) -> bytes:
    return await off_loop(render_base_chart, bars, result, ticker=ticker, timeframe=timeframe, markers=markers)


def _drop(task: asyncio.Future) -> None:
    """Cancel ``task`` whose answer is no longer wanted (an error it already met is retrieved)."""
    if task.done():
        if not task.cancelled():
            task.exception()
    else:
        task.cancel()


async def make_base_report(
    market: MarketData,
    ticker: str,
    *,
    timeframe: str = "weekly",
    as_of: date | str | None = None,
    markers: Sequence[Marker] = (),
    render: bool = True,
    cache: ByteBoundedLRU | None = None,
    render_chart: ChartRenderer | None = None,
    analyse_bars: Analyser | None = None,
    evidence: EvidenceGatherer | None = None,
) -> BaseReport:
    """The report of ``ticker``'s base. With a ``cache``, the analysis and the chart are kept
    under keys naming what determines them (the ticker, timeframe, day, markers, every bar
    read, the chart code's version): the same request again is answered from memory, and a
    new, revised or split-adjusted bar misses. ``analyse_bars`` and ``render_chart`` do the work
    (default: in a thread)."""
    ticker = normalize_ticker(ticker)
    timeframe = parse_timeframe(timeframe)
    markers = tuple(markers)
    as_of = await market.resolve_as_of([ticker], parse_date(as_of))
    daily = await market.history(ticker, start=lookback_start(as_of, LOOKBACK_DAYS[timeframe]), end=as_of)
    cache = cache if cache is not None else ByteBoundedLRU()
    draw = render_chart or _render_in_thread
    work = analyse_bars or _analyse_in_thread
    bars_id = frame_fingerprint(daily)
    data_date = daily.index[-1].date()
    result, bars = await cache.get_or_make(("base:analysis", ticker, timeframe, as_of, bars_id),
                                           lambda: work(daily, as_of, timeframe), analysis_size)
    # The evidence (SPY's bars, the market's state) is gathered while the base is drawn: started
    # once the base is found, it does not take a core from the finding, which the drawing waits for.
    beside_task = asyncio.ensure_future(evidence(daily, ticker, data_date)) if evidence is not None else None
    try:
        png = b""
        if render:
            key = ("base:chart", ticker, timeframe, as_of, bars_id, markers_key(markers), chart_code_version())
            png = await cache.get_or_make(
                key, lambda: draw(bars, result, ticker=ticker, timeframe=timeframe, markers=markers), len)
    except BaseException:
        if beside_task is not None:
            _drop(beside_task)
        raise
    beside = await beside_task if beside_task is not None else None
    stale = is_stale(daily)
    source = source_of(daily, market.source_name)
    return BaseReport(
        ticker=ticker,
        timeframe=timeframe,
        result=result,
        png=png,
        headline=base_headline(ticker, result),
        fields=base_fields(result) + evidence_fields(beside),
        evidence=beside,
        footer=data_footer(data_date, source, stale),
        data_date=data_date,
        stale=stale,
        source=source,
    )


class BaseService:
    """``base`` for the faces, bound to the market data, with one cache of analyses and charts
    shared by commands, buttons, announcements and the pre-render after the scan; renders in
    ``pool`` (worker processes) when given, else in a thread."""

    def __init__(self, market: MarketData, *, cache: ByteBoundedLRU | None = None, pool: RenderPool | None = None,
                 cache_bytes: int = DEFAULT_MAX_BYTES, evidence: EvidenceGatherer | None = None):
        self.market = market
        self.cache = cache if cache is not None else ByteBoundedLRU(cache_bytes)
        self.pool = pool
        self.evidence = evidence

    async def _analyse(self, daily: pd.DataFrame, as_of: date, timeframe: str) -> tuple[BaseResult, pd.DataFrame]:
        if self.pool is None:
            return await _analyse_in_thread(daily, as_of, timeframe)

        packed = pack_bars(daily)

        async def in_thread():
            return await off_loop(analyse_packed, packed, as_of, timeframe)

        result, window = await self.pool.run(analyse_packed, packed, as_of, timeframe, fallback=in_thread)
        return result, unpack_bars(window)

    async def _render(self, bars: pd.DataFrame, result: BaseResult, *, ticker: str, timeframe: str,
                      markers: tuple[Marker, ...]) -> bytes:
        if self.pool is None:
            return await _render_in_thread(bars, result, ticker=ticker, timeframe=timeframe, markers=markers)
        return await self.pool.render_base(bars, result, ticker=ticker, timeframe=timeframe, markers=markers,
                                           in_thread=render_base_chart)

    async def report(self, ticker: str, *, timeframe: str = "weekly", as_of: date | str | None = None,
                     markers: Sequence[Marker] = (), render: bool = True, evidence: bool = True) -> BaseReport:
        """``evidence`` False: without the evidence lines (an announcement's chart needs none)."""
        return await make_base_report(self.market, ticker, timeframe=timeframe, as_of=as_of, markers=markers,
                                      render=render, cache=self.cache, render_chart=self._render,
                                      analyse_bars=self._analyse, evidence=self.evidence if evidence else None)

    async def event_chart(self, key: str, ticker: str, as_of: date | str, markers: Sequence[Marker] = ()) -> bytes | None:
        """The base chart of one announced event (PNG bytes), or None when it cannot be drawn.

        Drawn once per event while it stays in the cache (two servers tracking the ticker get
        one render). Never raises: a missing chart must not hold the announcement back.
        """
        try:
            return (await self.report(ticker, as_of=as_of, markers=markers, evidence=False)).png or None
        except StoreUnavailable:  # its prices' store is away (said once by the store's outage line)
            log.debug("chart for announcement %s left out: the store is unavailable", key)
            return None
        except Exception:
            log.warning("chart for announcement %s failed; posting without it", key, exc_info=True)
            return None
