"""One ticker's announced breakouts, measured: what became of each one.

The breakouts are those the event engine announces — replayed with
``EventEngine(data_only=True)``, proven to announce the plain replay's breakout, failed, faded
and busted events — and their fates are :func:`bot.analysis.events.outcomes.outcomes_of`'s.
For a breakout at daily position i (close C, breakout line L = zone top x (1 + buffer_pct)):

* ``outcome``: the engine's — ``failed`` (a failing close within 10 sessions), ``faded`` (11 to
  30), ``busted`` (then a close below the support), ``held`` (none within 30), ``pending``;
* ``r10``/``r20``/``r60``: close i+k over C, in %, None when the data ends sooner;
* ``best_gain``: the highest high of sessions i+1 .. min(the failing close, i+60) over C, in %
  (the best exit before the invalidation or 60 sessions, whichever comes first); None when
  neither has come yet;
* ``throwback``: a low at or below L within sessions i+1 .. i+10 (None: not 10 sessions yet);
* ``resumed``: after a throwback, a close above C after the throwback's first day and within
  60 sessions of the breakout (None: no throwback, or not 60 sessions yet and no such close).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bot.analysis.base.params import BaseParams
from bot.analysis.events import EventEngine, TickerState
from bot.analysis.events.outcomes import outcomes_of
from bot.analysis.events.types import Event
from bot.analysis.study.kinds import breakout_kind, length_group, market_group, rs_group, volume_group

HORIZONS = (10, 20, 60)
BEST_GAIN_BARS = 60
THROWBACK_BARS = 10
BASELINE_BARS = 20


@dataclass(frozen=True)
class Case:
    """One announced breakout and what became of it (percentages, not fractions)."""

    ticker: str
    date: date
    close: float
    line: float
    kind: str
    base_weeks: float
    length: str
    volume: str | None
    rs: str | None
    market: str | None
    outcome: str
    r10: float | None
    r20: float | None
    r60: float | None
    best_gain: float | None
    throwback: bool | None
    resumed: bool | None

    def group(self, dim: str) -> str | None:
        value: str | None = getattr(self, dim)
        return value

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["date"] = self.date.isoformat()
        for k in ("close", "line", "base_weeks", "r10", "r20", "r60", "best_gain"):
            if d[k] is not None:
                d[k] = round(float(d[k]), 2)
        return d


def data_only_events(ticker: str, daily: pd.DataFrame, start: date | None) -> list[Event]:
    """The breakout, failed, faded and busted events of every bar from ``start`` (None: the
    first) to the last, as the replay announces them (no warm-up is needed for these kinds)."""
    engine = EventEngine(data_only=True)
    lo = 0 if start is None else int(daily.index.searchsorted(pd.Timestamp(start)))
    if lo >= len(daily):
        return []
    if lo == 0:
        _, events = engine.step(None, ticker, daily, every_bar=True)
    else:
        _, events = engine.step(TickerState(ticker, last_date=daily.index[lo - 1].date().isoformat()), ticker, daily)
    return events


def _at(series: pd.Series | None, day: pd.Timestamp) -> str | bool | None:
    if series is None:
        return None
    value = series.get(day)
    if value is None or pd.isna(value):
        return None
    return value if isinstance(value, str) else bool(value)


def _flag_at(series: pd.Series | None, day: pd.Timestamp) -> bool | None:
    """The day's value of a series of flags (the RS line at a high)."""
    value = _at(series, day)
    return value if value is None or isinstance(value, bool) else None


def _word_at(series: pd.Series | None, day: pd.Timestamp) -> str | None:
    """The day's value of a series of words (the market's state)."""
    value = _at(series, day)
    return value if isinstance(value, str) else None


def measure_ticker(ticker: str, daily: pd.DataFrame, start: date | None = None, end: date | None = None, *,
                   rs_high: pd.Series | None = None, market: pd.Series | None = None) -> list[Case]:
    """Every breakout announced from ``start`` to ``end`` (None: the data's ends), measured on
    all of ``daily``. ``rs_high``: per day, whether the RS line against SPY is at a 52-week high;
    ``market``: per day, SPY's state (None: the group is not known)."""
    events = data_only_events(ticker, daily, start)
    by_key = {(e.date, e.base_id): e for e in events if e.kind == "breakout"}
    high = daily["High"].to_numpy(dtype=float)
    low = daily["Low"].to_numpy(dtype=float)
    close = daily["Close"].to_numpy(dtype=float)
    index = pd.DatetimeIndex(daily.index)
    last = len(close) - 1
    buf = BaseParams().buffer_pct
    cases = []
    for o in outcomes_of(events, daily, end):
        e = by_key[(o.date, o.base_id)]
        day = pd.Timestamp(o.date)
        i = int(index.searchsorted(day))
        c = o.close
        line = o.zone_high * (1 + buf)
        rets = [float(close[i + k] / c - 1) * 100 if i + k <= last else None for k in HORIZONS]
        f = int(index.searchsorted(pd.Timestamp(o.failed_date))) if o.failed_date is not None else None
        stop = min(f, i + BEST_GAIN_BARS) if f is not None else i + BEST_GAIN_BARS
        best = (float(high[i + 1 : stop + 1].max()) / c - 1) * 100 if stop <= last else None
        throwback = resumed = None
        if i + THROWBACK_BARS <= last or (low[i + 1 : i + 1 + THROWBACK_BARS] <= line).any():
            hits = np.flatnonzero(low[i + 1 : i + 1 + THROWBACK_BARS] <= line)
            throwback = bool(len(hits))
            if throwback:
                t = i + 1 + int(hits[0])
                above = (close[t + 1 : i + BEST_GAIN_BARS + 1] > c).any()
                resumed = True if above else (False if i + BEST_GAIN_BARS <= last else None)
        cases.append(Case(
            ticker=ticker, date=o.date, close=c, line=line, kind=breakout_kind(e, daily),
            base_weeks=o.base_weeks, length=length_group(o.base_weeks), volume=volume_group(o.volume_ratio),
            rs=rs_group(_flag_at(rs_high, day)), market=market_group(_word_at(market, day)), outcome=o.outcome,
            r10=rets[0], r20=rets[1], r60=rets[2], best_gain=best, throwback=throwback, resumed=resumed,
        ))
    return cases


def baseline_returns(daily: pd.DataFrame, start: date | None = None, end: date | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(days as numpy datetime64[D], the 20-session return from each, in %) for every day from
    ``start`` to ``end`` with 20 sessions after it in ``daily``."""
    close = daily["Close"].to_numpy(dtype=float)
    days = pd.DatetimeIndex(daily.index).values.astype("datetime64[D]")
    if len(close) <= BASELINE_BARS:
        return days[:0], close[:0]
    ret = (close[BASELINE_BARS:] / close[:-BASELINE_BARS] - 1) * 100
    days = days[: len(ret)]
    keep = np.ones(len(ret), dtype=bool)
    if start is not None:
        keep &= days >= np.datetime64(pd.Timestamp(start).date())
    if end is not None:
        keep &= days <= np.datetime64(pd.Timestamp(end).date())
    keep &= np.isfinite(ret)
    return days[keep], ret[keep]
