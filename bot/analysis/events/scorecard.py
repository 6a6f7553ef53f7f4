"""A server's scorecard: the breakouts it was sent, each scored forward-only, and the record.

Forward-only means an alert is scored on what was recorded when it was sent and on the bars
after it, never on a new run of the finder:

* the breakout is the delivered announcement's own payload (its day, close, zone, line);
* its failure and bust are the failed/faded/busted events the live scan recorded for it (the
  outbox rows of the same base and breakout day), never recomputed;
* the figures are the thread's closing summary's (:func:`bot.analysis.events.followups.summary_of`,
  the rules of ``history``): when the thread's summary was recorded, its figures are taken as
  they were; otherwise they are worked out by that same function on the bars up to the story's
  end (30 sessions, or the bust), or up to the last bar the scan followed for a story still open.

The record (:func:`tally`) counts the alerts per group (kind, volume, market state), with the
held rate of those no longer open, the medians of the 10- and 30-bar moves and of the best gain;
:func:`base_held` sets the base-rate table's held rate beside a group, for the same mix of
universes. Pure: data in, data out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bot.analysis.events.followups import WINDOW, engine_follow_ups, summary_of
from bot.analysis.events.types import Event
from bot.analysis.study.kinds import market_group, volume_group

# A period a member can ask for: its word and its length in calendar days (None: every alert)
PERIODS: dict[str, int | None] = {"30d": 30, "90d": 90, "1y": 365, "all": None}
DEFAULT_PERIOD = "90d"
OUTCOMES = ("held", "failed", "faded", "busted", "pending")  # "pending": the story is still open
DIMENSIONS = ("kind", "volume", "market")  # the groups the record is split by


def parse_period(word: str | None) -> str | None:
    """The period a member typed ("30d", "90D ", "1y", "all"; None: the default), or None when
    it is none of them."""
    if word is None or not word.strip():
        return DEFAULT_PERIOD
    w = word.strip().lower()
    return w if w in PERIODS else None


@dataclass(frozen=True)
class Scored:
    """One delivered breakout alert and how it went."""

    ticker: str
    date: date
    close: float
    line: float | None
    kind: str | None  # record / major / nearest (the study's kind), None: not known
    volume: str | None  # heavy (>= 1.4x the 50-session average volume) / light, None: not known
    market: str | None  # the server's market index's state that day (uptrend / under_pressure / correction)
    market_index: str | None
    universe: str  # the base-rate table's part: etfs / sp500
    outcome: str  # held / failed / faded / busted / pending
    move_10_pct: float | None
    move_30_pct: float | None
    best_gain_pct: float | None
    worst_drawdown_pct: float | None
    sessions: int  # sessions judged after the breakout
    from_thread: bool  # the figures are the thread's recorded closing summary's

    def group(self, dim: str) -> str | None:
        value = getattr(self, dim)
        return None if value is None else str(value)

    def to_dict(self) -> dict[str, Any]:
        return {"ticker": self.ticker, "date": self.date.isoformat(), "close": self.close, "line": self.line,
                "kind": self.kind, "volume": self.volume, "market": self.market, "market_index": self.market_index,
                "universe": self.universe, "outcome": self.outcome, "move_10_pct": self.move_10_pct,
                "move_30_pct": self.move_30_pct, "best_gain_pct": self.best_gain_pct,
                "worst_drawdown_pct": self.worst_drawdown_pct, "sessions": self.sessions,
                "from_thread": self.from_thread}


def story_figures(breakout: Event, daily: pd.DataFrame, events: Sequence[Event],
                  followed_to: date | None = None) -> dict[str, Any] | None:
    """The closing summary's figures of ``breakout`` (:func:`summary_of`) on the bars of
    ``daily`` up to the story's end, or, while it is open, up to the last bar (``followed_to``:
    no bar after the scan's last is judged). ``closed`` says whether the story has ended.
    None when the breakout's day is not among the bars."""
    if followed_to is not None:
        daily = daily.loc[: pd.Timestamp(followed_to)]
    if daily is None or daily.empty:
        return None
    index = pd.DatetimeIndex(daily.index)
    i = int(index.searchsorted(pd.Timestamp(breakout.date)))
    if i >= len(index) or index[i].date() != breakout.date:
        return None
    last = len(index) - 1
    mine = engine_follow_ups(breakout, [e for e in events if e.date <= index[last].date()])
    end_i = i + WINDOW
    bust = mine.get("busted")
    if bust is not None:
        k = int(index.searchsorted(pd.Timestamp(bust.date)))
        if k <= last and index[k].date() == bust.date:
            end_i = min(end_i, k)
    stop = min(end_i, last)
    highs = daily["High"].to_numpy(dtype=float)
    figures = summary_of(breakout, daily.iloc[: stop + 1], list(mine.values()), i, stop, highs)
    if stop == i:  # no bar after the breakout yet: nothing gained so far
        figures["best_gain_pct"] = None
    figures["closed"] = end_i <= last
    return figures


def scored(breakout: Event, figures: Mapping[str, Any], *, kind: str | None, market: Mapping[str, Any] | None,
           universe: str,
           line: float | None, from_thread: bool) -> Scored:
    """The alert with its figures (a thread summary's data, or :func:`story_figures`'s) and
    its groups (``market``: the payload's evidence's market state, as recorded)."""
    state = market.get("state") if market else None
    return Scored(
        ticker=breakout.ticker, date=breakout.date, close=float(breakout.close), line=line, kind=kind,
        volume=volume_group(breakout.volume_ratio), market=market_group(state),
        market_index=market.get("index") if market else None, universe=universe,
        outcome=str(figures.get("outcome") or "pending"), move_10_pct=_f(figures.get("move_10_pct")),
        move_30_pct=_f(figures.get("move_30_pct")), best_gain_pct=_f(figures.get("best_gain_pct")),
        worst_drawdown_pct=_f(figures.get("worst_drawdown_pct")), sessions=int(figures.get("sessions") or 0),
        from_thread=from_thread)


def _f(x: Any) -> float | None:
    return None if x is None or x != x else round(float(x), 2)


@dataclass(frozen=True)
class Tally:
    """The record of a group of alerts."""

    dim: str  # "all", or one of DIMENSIONS
    value: str | None  # the group's value (None for "all")
    n: int
    outcomes: dict[str, int]  # outcome -> count
    held_pct: float | None  # held, of those no longer open
    median_move_10: float | None
    median_move_30: float | None
    median_best_gain: float | None
    base_held_pct: float | None  # the base-rate table's held rate for the same group and mix
    base_n: int | None  # how many past breakouts that rate stands on

    @property
    def closed(self) -> int:
        return self.n - int(self.outcomes.get("pending", 0))


def _median(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(float(np.median(known)), 2) if known else None


def tally(alerts: Sequence[Scored], table: Mapping[str, Any] | None = None) -> list[Tally]:
    """The record: all alerts first, then each value of each dimension (in the study's order,
    then any value not known to it), each beside the table's held rate when ``table`` has it."""
    from bot.analysis.study.kinds import DIMENSIONS as STUDY_VALUES

    out = [_tally("all", None, alerts, table)] if alerts else []
    for dim in DIMENSIONS:
        seen = {v for a in alerts if (v := a.group(dim)) is not None}
        order = [v for v in STUDY_VALUES[dim] if v in seen] + sorted(seen - set(STUDY_VALUES[dim]))
        out += [_tally(dim, v, [a for a in alerts if a.group(dim) == v], table) for v in order]
    return out


def _tally(dim: str, value: str | None, alerts: Sequence[Scored], table: Mapping[str, Any] | None) -> Tally:
    outcomes = {k: sum(a.outcome == k for a in alerts) for k in OUTCOMES}
    closed = len(alerts) - outcomes["pending"]
    base = base_held(dim, value, alerts, table) if table is not None else (None, None)
    return Tally(dim, value, len(alerts), outcomes,
                 round(100.0 * outcomes["held"] / closed, 1) if closed else None,
                 _median(a.move_10_pct for a in alerts), _median(a.move_30_pct for a in alerts),
                 _median(a.best_gain_pct for a in alerts), *base)


def base_held(dim: str, value: str | None, alerts: Sequence[Scored],
              table: Mapping[str, Any]) -> tuple[float | None, int | None]:
    """The table's held rate of the group (``all`` or ``dim=value``) for these alerts: each alert
    counts its own universe's rate (so a mix of ETFs and stocks gets the same mix of rates).
    The table's market state is SPY's: a market group counts only the alerts whose server reads
    SPY. (None, None) when the table has none of them."""
    key = "all" if dim == "all" else f"{dim}={value}"
    rates, ns = [], {}
    for a in alerts:
        if dim == "market" and a.market_index not in (None, "SPY"):
            continue
        group = table.get("universes", {}).get(a.universe, {}).get("groups", {}).get(key)
        held = group["all"]["held"] if group else None
        if held is None or held.get("pct") is None:
            continue
        rates.append(float(held["pct"]))
        ns[a.universe] = int(held["n"])
    if not rates:
        return None, None
    return round(float(np.mean(rates)), 1), sum(ns.values())
