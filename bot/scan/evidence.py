"""What the scan puts beside each event it queues: the evidence (volume, RS against SPY, RS rank
among the scanned tickers, trend, earnings) and, per server, the state of that server's market
index. Worked out from the frames the scan already fetched, in the lane thread; a part the data
does not support is left out (the words then say nothing of it).

The payload keeps them as data (``Evidence.to_dict()``), so an announcement posted after a
restart says what the scan saw.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd

from bot.analysis.events.types import Event
from bot.analysis.evidence import Evidence, MarketState, evidence_at, market_state, rs_ranks, rs_score
from bot.analysis.study.kinds import breakout_kind
from bot.analysis.study.table import Odds, odds_for
from bot.market.universes import ETFS
from bot.threads import taking_turns
from bot.tickers import normalize_ticker

log = logging.getLogger(__name__)

BENCHMARK = "SPY"  # the RS line's benchmark
MARKET_INDEXES = ("SPY", "QQQ", "IWM")  # a server's choice of market index
# The market state is worked out on this many years of the index (its rules look back at most a
# year: docs/algorithm.md, "Evidence"; three years give the same state as the whole file).
MARKET_YEARS = 3


def _upto(df: pd.DataFrame, day: date) -> pd.DataFrame:
    return df.loc[: pd.Timestamp(day)]


def market_states(frames: Mapping[str, pd.DataFrame], indexes: Iterable[str],
                  days: Iterable[date]) -> dict[tuple[str, date], MarketState]:
    """(index, day) -> the index's state on that day, for the indexes whose bars were fetched."""
    out: dict[tuple[str, date], MarketState] = {}
    for index in set(indexes):
        df = frames.get(index)
        if df is None or df.empty:
            continue
        for day in set(days):
            window = _upto(df, day)
            window = window.loc[pd.Timestamp(day) - pd.DateOffset(years=MARKET_YEARS):]
            try:
                state = market_state(window, day, index=index)
            except (ValueError, KeyError, IndexError) as exc:  # too few bars, or none that day
                log.info("market state of %s on %s left out: %s", index, day, exc)
                continue
            if state is not None:
                out[(index, day)] = state
    return out


def rank_universe(frames: Mapping[str, pd.DataFrame], tickers: Iterable[str], days: Iterable[date]) -> dict[date, dict[str, int]]:
    """day -> RS rank (1..99) of each scanned ticker among the scanned tickers (none with fewer
    than the minimum a rank needs: :func:`bot.analysis.evidence.rs_ranks`)."""
    closes = {t: frames[t]["Close"] for t in tickers if t in frames and not frames[t].empty}
    # rs_ranks_at's ranks, each ticker scored in turn with the event loop (bot.threads.taking_turns)
    return {day: rs_ranks({t: rs_score(c, day) for t, c in taking_turns(closes.items())}) for day in set(days)}


def ranks_memoised(memo: dict[date, dict[str, int]], frames: Mapping[str, pd.DataFrame], tickers: Iterable[str],
                   days: Iterable[date]) -> dict[date, dict[str, int]]:
    """:func:`rank_universe` for one scan's chunks: the universe (``frames``, ``tickers``) is the
    same for every chunk, so a day's ranks are worked out once per scan and kept in ``memo``
    (one dict per scan) instead of once per chunk that has an event on that day."""
    days = set(days)
    missing = days - memo.keys()
    if missing:
        memo.update(rank_universe(frames, tickers, missing))
    return {day: memo[day] for day in days}


def event_evidence(e: Event, daily: pd.DataFrame, bench: pd.DataFrame | None,
                   ranks: Mapping[date, Mapping[str, int]]) -> Evidence:
    """The evidence of one event on its own day (no market state: that is each server's)."""
    return evidence_at(daily, bench, e.date, rs_rank=ranks.get(e.date, {}).get(e.ticker))


def with_market(evidence: Evidence, state: MarketState | None) -> dict:
    """The payload's "evidence": the event's evidence with one server's market state."""
    return {**evidence.to_dict(), "market": state.to_dict() if state is not None else None}


def universe_of(ticker: str) -> str:
    """The base-rate table a ticker's odds come from: the ETFs' for the bot's ETFs, else the
    S&P 500 stocks' (the two are adjusted differently and measured apart)."""
    return "etfs" if normalize_ticker(ticker) in ETFS else "sp500"


def breakout_odds(e: Event, daily: pd.DataFrame, evidence: Evidence, spy: MarketState | None) -> Odds | None:
    """The odds line's group for a breakout: its kind, base length, volume, RS line and SPY's
    market state (the dimensions the table was made with: docs/algorithm.md, "Odds")."""
    if e.kind != "breakout":
        return None
    kind = breakout_kind(e, daily)
    return odds_for(universe_of(e.ticker), kind, e.base_weeks, e.volume_ratio, evidence.rs_high,
                    spy.state if spy is not None else None)


def odds_payload(odds: Odds | None) -> dict | None:
    """The payload's "odds": the group's data (the words are made when it is posted)."""
    if odds is None:
        return None
    return {"universe": odds.universe, "pairs": [list(p) for p in odds.pairs], "stats": odds.stats,
            "start": odds.start, "end": odds.end, "unstable": odds.unstable, "edge": odds.edge}


def odds_of_payload(d: Mapping | None) -> Odds | None:
    if not d:
        return None
    return Odds(universe=d["universe"], pairs=tuple(tuple(p) for p in d["pairs"]), stats=d["stats"], start=d["start"],
                end=d["end"], unstable=d.get("unstable"), edge=d.get("edge") or {})
