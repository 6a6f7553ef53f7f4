"""One round of the intraday watch, without Discord or the store: the watched tickers' quotes
(:class:`bot.market.yahoo_intraday.IntradayBatch`) checked against their lines at once, the
bad data logged once per ticker, reason and session, and each crossing made once per ticker,
base and session.

What is not here yet (issue 24): the loop that runs a round every few minutes during the
session, the outbox rows that post the notices exactly once across restarts and shards, and the
settlement at the close (its words and rule are :func:`bot.analysis.intraday.session.settle` and
:mod:`bot.words.intraday`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import cast

import numpy as np
import pandas as pd

from bot.analysis.intraday.profile import BAR_MINUTES, pace, u_profile
from bot.analysis.intraday.quotes import OK, REASONS, crossings, quote_status
from bot.analysis.intraday.session import Crossing
from bot.market.yahoo_intraday import IntradayBatch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WatchTarget:
    ticker: str
    base: str  # which base (e.g. its zone): a new base may cross again the same session
    line: float
    direction: int
    prev_close: float
    usual_volume: float | None = None  # the mean daily volume of the last 20 sessions
    profile: np.ndarray | None = None  # the ticker's own cumulative 5-minute profile (None: the U shape)


@dataclass
class WatchMemory:
    """What the watch has done this session: crossings made, bad data already logged."""

    session: date | None = None
    crossed: set = field(default_factory=set)  # (ticker, base)
    logged: set = field(default_factory=set)  # (ticker, reason)

    def start(self, session: date) -> None:
        if session != self.session:
            self.session, self.crossed, self.logged = session, set(), set()


def check_round(targets: list[WatchTarget], batch: IntradayBatch, now: pd.Timestamp, session_open: pd.Timestamp,
                session_close: pd.Timestamp, memory: WatchMemory) -> list[Crossing]:
    """The crossings this round adds (each ticker and base once a session). A ticker without
    bars is skipped quietly; a stale or implausible quote is not used and logged once."""
    session = session_open.date()
    memory.start(session)
    todo = [t for t in targets if (t.ticker, t.base) not in memory.crossed]
    if not todo:
        return []
    quotes = [batch.quote(t.ticker, now) for t in todo]
    price = np.array([np.nan if q is None else q[0] for q in quotes])
    when = np.array([np.nan if q is None else q[1].timestamp() for q in quotes])
    status = quote_status(price, when, now.timestamp(), np.array([t.prev_close for t in todo]))
    crossed = crossings(price, np.array([t.line for t in todo]), np.array([t.direction for t in todo]), status)
    for t, s, q in zip(todo, status, quotes):
        if s == OK or q is None:  # no bars: skipped without a word (the fetch logged what failed)
            continue
        if (t.ticker, REASONS[s]) not in memory.logged:
            memory.logged.add((t.ticker, REASONS[s]))
            log.info("intraday: %s's quote %.2f at %s not used (%s)", t.ticker, q[0], q[1], REASONS[s])
    out = []
    slots = int((session_close - session_open) / pd.Timedelta(minutes=BAR_MINUTES))
    for i in np.flatnonzero(crossed):
        t, q = todo[i], quotes[i]
        if q is None:  # (no quote is missing, never a crossing)
            continue
        p, at = q
        bars = batch.bars[t.ticker]
        minutes = (at - session_open) / pd.Timedelta(minutes=1)
        done = bars[cast(pd.DatetimeIndex, bars.index) + pd.Timedelta(minutes=BAR_MINUTES) <= at]  # the bars ended by the quote
        vp = pace(float(done["Volume"].sum()), t.profile if t.profile is not None else u_profile(slots), minutes,
                  t.usual_volume) if t.usual_volume else None
        memory.crossed.add((t.ticker, t.base))
        out.append(Crossing(t.ticker, session, t.line, t.direction, float(p), at, now.tz_convert(at.tz), vp))
    return out
