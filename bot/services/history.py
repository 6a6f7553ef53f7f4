"""A ticker's past: the events a replay would have announced, and its breakouts with how each
one ended (the CLI's ``replay``/``history`` and the bot's ``history`` command: ``history TICKER``
lists the engine's past breakouts and how each ended, in the words of :mod:`bot.words.history`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta

from bot.analysis.base.params import BaseParams
from bot.analysis.events.params import EngineParams
from bot.dates import parse_date
from bot.errors import BadArgument, UnknownTicker
from bot.market.bounds import bound_range, not_in_future
from bot.market.service import MarketData
from bot.scan.scanner import DEFAULT_LOOKBACK_DAYS
from bot.services.render_cache import ByteBoundedLRU
from bot.services.render_pool import RenderPool
from bot.services.replay_memo import (
    RecordedEvents,
    ReplayMemo,
    memo_of,
    replay_memo,
    replay_span,
    replay_span_packed,
    spans,
    usable,
)
from bot.threads import off_loop
from bot.tickers import normalize_ticker
from bot.words.history import history_footer, history_lines, history_title

# The engine warms up on half a year of bars before the first replayed day and the base
# finder reads ≈ 31 years from there (the major base), so fetch that much before --from.
LOOKBACK = timedelta(days=(BaseParams().history_bars("weekly") + EngineParams().warm_up_bars) * 7 // 5 + 60)


@dataclass(frozen=True)
class Replay:
    ticker: str
    start: date
    end: date  # the last day replayed: --to, or the last bar when the data ends sooner
    events: list  # bot.analysis.events.types.Event
    # with ``followups``: each breakout's follow-ups up to ``end`` (bot.analysis.events.followups)
    followups: dict | None = None  # breakout event key -> [FollowUp]


async def bounded_range(market: MarketData, ticker: str, start: date | None, end: date | None):
    """``start``/``end`` cut to the ticker's data; outside it, a message naming the data's range."""
    today = market.today()
    not_in_future(start, today)
    not_in_future(end, today)
    span = await market.span(ticker)
    if span is None:
        raise UnknownTicker(f"No price data found for `{ticker}`. Is the symbol right?")
    return bound_range(span, start, end)


MAX_YEARS = 10


@dataclass(frozen=True)
class HistoryReport:
    ticker: str
    title: str
    lines: tuple[str, ...]
    footer: str


def outcomes_from_memo(memo: ReplayMemo, daily, start: date, end: date) -> list:
    """``breakout_history`` of the memo's events: the same list a replay from ``start`` gives."""
    from bot.analysis.events.outcomes import breakout_history

    return breakout_history(memo.ticker, daily, start, end, engine=RecordedEvents(memo.events))


async def _replay(ticker: str, daily, start: date, prior: ReplayMemo | None, pool: RenderPool | None) -> ReplayMemo:
    """The kept replay extended, or a replay from scratch: with a pool, cut into one span per
    worker process replayed side by side (bars packed as arrays), else in a thread."""
    from bot.analysis.events import EventEngine

    if pool is None or usable(prior, daily, start):
        return await off_loop(replay_memo, EventEngine(), ticker, daily, start, prior)
    from bot.charts.transport import pack_bars

    packed = pack_bars(daily)

    def span_job(first: date, last: date | None):
        async def in_thread():
            return await off_loop(replay_span, EventEngine(), ticker, daily, first, last)

        return pool.run(replay_span_packed, ticker, packed, first, last, fallback=in_thread)

    results = await asyncio.gather(*(span_job(first, last) for first, last in spans(daily, start, pool.workers)))
    return memo_of(ticker, daily, start, list(results))


async def make_history_report(market, ticker: str, *, years: int = 3, as_of: date | str | None = None,
                              memos: ByteBoundedLRU | None = None, pool: RenderPool | None = None) -> HistoryReport:
    """The ``history`` command's report. With ``memos`` (ticker -> :class:`ReplayMemo`) the
    ticker's last replay is reused and extended by the new bars instead of replayed again; with a
    ``pool`` the replay runs in a worker process."""
    ticker = normalize_ticker(ticker)
    if not 1 <= years <= MAX_YEARS:
        raise BadArgument(f"Give 1 to {MAX_YEARS} years of history.")
    end = parse_date(as_of) or date.today()
    start = end - timedelta(days=365 * years)
    daily = await market.history(ticker, start=start - timedelta(days=DEFAULT_LOOKBACK_DAYS), end=end)
    memos = memos if memos is not None else ByteBoundedLRU()
    memo = await _replay(ticker, daily, start, memos.get(ticker), pool)
    memos.put(ticker, memo, memo.size_bytes)
    outcomes = await off_loop(outcomes_from_memo, memo, daily, start, end)
    last = daily.index[-1].date()
    return HistoryReport(ticker, history_title(ticker, outcomes, years), history_lines(outcomes), history_footer(last))


MEMO_BYTES = 48 * 1024 * 1024  # ≈ 0.3 MB per ticker with 25 years of bars


class HistoryService:
    def __init__(self, market: MarketData, *, memo_bytes: int = MEMO_BYTES, pool: RenderPool | None = None):
        self.market = market
        self.pool = pool
        self.memos = ByteBoundedLRU(memo_bytes)  # ticker -> ReplayMemo, shared by requests and the pre-render
        self._locks: dict[str, asyncio.Lock] = {}

    async def replay(self, ticker: str, start: date | None, end: date | None, *, followups: bool = False) -> Replay:
        """The events the bot would have announced for ``ticker`` from ``start`` to ``end``;
        with ``followups``, what each breakout's thread would have received up to ``end``."""
        from bot.analysis.events.followups import follow_ups
        from bot.analysis.events.replay import replay
        from bot.services.odds import universe_of

        start, end = await bounded_range(self.market, ticker, start, end)
        daily = await self.market.history(ticker, start=start - LOOKBACK, end=end)

        def work():
            events = replay(ticker, daily, start, end)
            if not followups:
                return events, None
            universe = universe_of(ticker)
            return events, {e.key: follow_ups(e, daily, events, universe=universe)
                            for e in events if e.kind == "breakout"}

        events, threads = await off_loop(work)
        last = daily.index[-1].date()
        return Replay(ticker, start, min(end, last) if end else last, events, threads)

    async def data_range(self, ticker: str, start: date | None, end: date | None) -> tuple[date, date]:
        """``start..end`` cut to the ticker's data (NotEnoughData when they miss it)."""
        return await bounded_range(self.market, ticker, start, end)

    async def breakouts(self, ticker: str, start: date | None = None, end: date | None = None) -> list:
        """Every breakout between ``start`` and ``end`` (None: all history) and how it ended
        (:class:`bot.analysis.events.outcomes.BreakoutOutcome`)."""
        from bot.analysis.events.outcomes import breakout_history

        bounded_start, bounded_end = await bounded_range(self.market, ticker, start, end)
        start = bounded_start if start else None  # all history: no lookback needed
        end = bounded_end if end else None
        # the fate of a breakout is judged on the bars after it, so fetch past the end
        daily = await self.market.history(ticker, start=start - LOOKBACK if start else None)
        return breakout_history(ticker, daily, start, end)

    async def recent(self, ticker: str, *, years: int = 3, as_of: date | str | None = None) -> HistoryReport:
        """The last ``years`` of breakouts, in the words of the bot's ``history`` command
        (one replay per ticker at a time: a second request waits and extends the first's)."""
        lock = self._locks.setdefault(normalize_ticker(ticker), asyncio.Lock())
        async with lock:
            return await make_history_report(self.market, ticker, years=years, as_of=as_of, memos=self.memos,
                                             pool=self.pool)
