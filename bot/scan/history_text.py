"""`history TICKER`: the engine's past breakouts of a ticker and how each one ended (pure core;
the words are :mod:`bot.words.history`'s)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta

from bot.dates import parse_date
from bot.errors import BadArgument
from bot.scan.scanner import DEFAULT_LOOKBACK_DAYS
from bot.tickers import normalize_ticker
from bot.words.history import history_footer, history_lines, history_title

MAX_YEARS = 10


@dataclass(frozen=True)
class HistoryReport:
    ticker: str
    title: str
    lines: tuple[str, ...]
    footer: str


async def make_history_report(market, ticker: str, *, years: int = 3, as_of: date | str | None = None) -> HistoryReport:
    from bot.analysis.events.outcomes import breakout_history

    ticker = normalize_ticker(ticker)
    if not 1 <= years <= MAX_YEARS:
        raise BadArgument(f"Give 1 to {MAX_YEARS} years of history.")
    end = parse_date(as_of) or date.today()
    start = end - timedelta(days=365 * years)
    daily = await market.history(ticker, start=start - timedelta(days=DEFAULT_LOOKBACK_DAYS), end=end)
    outcomes = await asyncio.to_thread(breakout_history, ticker, daily, start, end)
    last = daily.index[-1].date()
    return HistoryReport(ticker, history_title(ticker, outcomes, years), history_lines(outcomes), history_footer(last))
