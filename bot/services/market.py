"""``market [SPY|QQQ|IWM]``: the market's state from an index, with its chart; and the state
the announcements quote (:meth:`MarketService.state`).

The state is computed from the index's last :data:`HISTORY_YEARS` years of daily bars: on SPY,
QQQ and IWM the state (and its distribution count) from 3 years equals the one from the whole
file on every week since 2005 (a test checks SPY), because every 3 years hold a correction
that ended, after which the walk forgets where it started.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from bot.analysis.evidence import MarketState, market_state, market_state_one_pass, market_tape
from bot.charts.market_chart import render_market_chart
from bot.dates import parse_date
from bot.errors import NotEnoughData
from bot.market.service import MarketData
from bot.services.bar_fingerprint import frame_fingerprint
from bot.services.common import is_stale, lookback_start, safe_filename, source_of
from bot.services.market_index import DEFAULT_INDEX, parse_market_index
from bot.services.render_cache import ByteBoundedLRU
from bot.threads import off_loop
from bot.words.market import detail_lines, headline
from bot.words.reports import data_footer

HISTORY_YEARS = 3
_HISTORY_DAYS = HISTORY_YEARS * 366 + 14
STATE_BYTES = 2048  # what a cached MarketState holds, about


@dataclass(frozen=True)
class MarketReport:
    state: MarketState
    png: bytes = field(repr=False)
    headline: str
    lines: tuple[str, ...]
    footer: str
    data_date: date
    stale: bool

    @property
    def index(self) -> str:
        return self.state.index

    @property
    def filename(self) -> str:
        return safe_filename(self.index, "market")

    @property
    def summary(self) -> str:
        return "\n".join([self.headline, *self.lines, self.footer])

    def to_dict(self) -> dict:
        return {**self.state.to_dict(), "data_date": self.data_date.isoformat(), "stale": self.stale,
                "headline": self.headline, "lines": list(self.lines)}


def _facts(daily: pd.DataFrame) -> tuple[float, float | None, float | None]:
    close = daily["Close"]
    last = float(close.iloc[-1])
    sma = float(close.iloc[-50:].mean()) if len(close) >= 50 else None
    year_high = float(close.iloc[-252:].max())
    return last, sma, year_high


class MarketService:
    """The market state of SPY, QQQ or IWM, for the faces and the announcements."""

    def __init__(self, market: MarketData, *, cache: ByteBoundedLRU | None = None):
        self.market = market
        self.cache = cache if cache is not None else ByteBoundedLRU()

    async def _bars(self, index: str, as_of: date | str | None) -> pd.DataFrame:
        day = await self.market.resolve_as_of([index], parse_date(as_of))
        daily = await self.market.history(index, start=lookback_start(day, _HISTORY_DAYS), end=day)
        if len(daily) < 50:
            raise NotEnoughData(f"Not enough {index} history for the market's state (50 sessions needed).")
        return daily

    async def state(self, index: str = DEFAULT_INDEX, as_of: date | str | None = None) -> MarketState:
        """The state on ``as_of`` (default: the latest bar); raises as ``history`` does. Kept in
        the cache under the bars it is computed from (every ``base`` report quotes it, and so do
        the announcements): the same bars give the same state."""
        index = parse_market_index(index) or DEFAULT_INDEX
        daily = await self._bars(index, as_of)
        key = ("market:state", index, frame_fingerprint(daily))
        state = await self.cache.get_or_make(key, lambda: off_loop(market_state_one_pass, daily, None, index),
                                             lambda _: STATE_BYTES)
        if state is None:  # (_bars checked the 50 sessions it needs)
            raise NotEnoughData(f"Not enough {index} history for the market's state (50 sessions needed).")
        return state

    async def report(self, index: str | None = None, *, as_of: date | str | None = None,
                     render: bool = True) -> MarketReport:
        index = parse_market_index(index) or DEFAULT_INDEX
        daily = await self._bars(index, as_of)

        def analyse():
            return market_state(daily, index=index), market_tape(daily)

        state, tape = await off_loop(analyse)
        png = b""
        if render:
            key = ("chart:market", index, state.as_of, frame_fingerprint(daily))
            png = await self.cache.get_or_make(
                key, lambda: off_loop(render_market_chart, daily, tape, state), len)
        last, sma, year_high = _facts(daily)
        stale = is_stale(daily)
        data_date = daily.index[-1].date()
        return MarketReport(
            state=state,
            png=png,
            headline=headline(state),
            lines=tuple(detail_lines(state, close=last, average_50=sma, year_high=year_high)),
            footer=data_footer(data_date, source_of(daily, self.market.source_name), stale),
            data_date=data_date,
            stale=stale,
        )
