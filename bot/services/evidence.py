"""The evidence beside a signal, gathered for one ticker on one day: its volume and trend (from
its own bars), its RS line against SPY, the state of the server's market index, and its next
earnings date. A part that cannot be had (SPY missing, the index's source down, no earnings
date) is left out and logged: evidence never fails the signal it stands beside."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pandas as pd

from bot.analysis.evidence import Evidence, evidence_at
from bot.errors import BreakoutError
from bot.market.earnings import EarningsSource, earnings_for
from bot.market.service import MarketData
from bot.services.market import MarketService
from bot.services.market_index import DEFAULT_INDEX
from bot.threads import off_loop

log = logging.getLogger(__name__)

BENCHMARK = "SPY"
RS_DAYS = 400  # calendar days of the benchmark read: a year of sessions and more


async def gather_evidence(
    market: MarketData,
    daily: pd.DataFrame,
    ticker: str,
    as_of: date | None = None,
    *,
    market_state: MarketService | None = None,
    index: str = DEFAULT_INDEX,
    earnings: EarningsSource | None = None,
    rs_rank: int | None = None,
    bench: pd.DataFrame | None = None,
) -> Evidence:
    """:func:`bot.analysis.evidence.evidence_at` of ``daily`` (the ticker's bars) on ``as_of``
    (default: its last bar), with SPY read from ``market`` unless ``bench`` is given, the state
    of ``index`` from ``market_state`` and the next earnings date from ``earnings``."""
    day = as_of or daily.index[-1].date()
    if bench is None and ticker != BENCHMARK:
        try:
            bench = await market.history(BENCHMARK, start=day - timedelta(days=RS_DAYS), end=day)
        except BreakoutError as exc:
            log.info("evidence for %s: no %s for the RS line (%s)", ticker, BENCHMARK, exc)
    state = None
    if market_state is not None:
        try:
            state = await market_state.state(index, day)
        except BreakoutError as exc:
            log.info("evidence for %s: no market state from %s (%s)", ticker, index, exc)
    when, sessions = await earnings_for(earnings, ticker, day)
    return await off_loop(evidence_at, daily, bench, day, market=state, rs_rank=rs_rank, earnings=when,
                          earnings_sessions=sessions)
