"""How past breakouts ended: held, failed, faded or busted, and what price did next."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from bot.analysis.base.params import BaseParams
from bot.analysis.events import Event, EventEngine
from bot.analysis.events.replay import parse_day, replay

# failed: back below the zone (or 8 % down) within 10 bars; faded: the same within 30 bars;
# busted: then below the base's support; held: none of these within 30 bars
Outcome = Literal["held", "failed", "faded", "busted", "pending"]
MOVE_BARS = (10, 30)


@dataclass(frozen=True)
class BreakoutOutcome:
    ticker: str
    date: dt.date  # (the field's name hides the type from here on)
    close: float
    level: float
    zone_low: float
    zone_high: float
    base_id: str
    base_start: dt.date
    base_weeks: float
    test_count: int
    attempt: int
    on_volume: bool
    volume_ratio: float | None
    outcome: Outcome  # "pending": the fade window (30 bars) has not passed yet
    failed_date: dt.date | None  # the failing close, for "failed" and "faded" (and "busted")
    busted_date: dt.date | None
    move_10_pct: float | None  # close 10 bars later vs the breakout close (None: not there yet)
    move_30_pct: float | None
    max_drawdown_pct: float | None  # lowest low of the next 30 bars vs the breakout close (<= 0)

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None, nd: int = 2) -> float | None:
            return round(float(x), nd) if x is not None else None

        def d(x: dt.date | None) -> str | None:
            return x.isoformat() if x is not None else None

        return {
            "date": self.date.isoformat(),
            "ticker": self.ticker,
            "event": "breakout",
            "close": r(self.close),
            "level": r(self.level),
            "zone": [r(self.zone_low), r(self.zone_high)],
            "base_id": self.base_id,
            "base_start": self.base_start.isoformat(),
            "base_weeks": r(self.base_weeks, 1),
            "test_count": self.test_count,
            "attempt": self.attempt,
            "on_volume": self.on_volume,
            "volume_ratio": r(self.volume_ratio),
            "outcome": self.outcome,
            "failed_date": d(self.failed_date),
            "busted_date": d(self.busted_date),
            "move_10_pct": r(self.move_10_pct),
            "move_30_pct": r(self.move_30_pct),
            "max_drawdown_pct": r(self.max_drawdown_pct),
        }


def breakout_history(
    ticker: str,
    daily: pd.DataFrame,
    start: date | str | None = None,
    end: date | str | None = None,
    engine: EventEngine | None = None,
) -> list[BreakoutOutcome]:
    """Every breakout the engine announces between ``start`` and ``end``, with its fate.

    The fate is judged on all bars of ``daily``, including those after ``end``.
    """
    engine = engine or EventEngine()
    return outcomes_of(replay(ticker, daily, start, None, engine), daily, end)


def outcomes_of(events: list[Event], daily: pd.DataFrame, end: date | str | None = None) -> list[BreakoutOutcome]:
    """The breakouts among a replay's ``events`` (up to ``end``) with their fates, judged on all
    bars of ``daily`` (the same frame the events were replayed over)."""
    hi = parse_day(end).date() if end is not None else None
    closes = daily["Close"].to_numpy(dtype=float)
    lows = daily["Low"].to_numpy(dtype=float)
    index = pd.DatetimeIndex(daily.index)
    window = BaseParams().fade_window_days
    out: list[BreakoutOutcome] = []
    for e in events:
        if e.kind != "breakout" or (hi is not None and e.date > hi):
            continue
        failed = _follow_up(events, e, "failed") or _follow_up(events, e, "faded")
        busted = _follow_up(events, e, "busted")
        i = int(index.searchsorted(pd.Timestamp(e.date)))
        after = len(closes) - 1 - i
        if busted is not None:
            outcome: Outcome = "busted"
        elif failed is not None:
            outcome = "faded" if failed.kind == "faded" else "failed"
        elif after >= window:
            outcome = "held"
        else:
            outcome = "pending"
        moves = [
            (closes[i + k] / e.close - 1) * 100 if after >= k else None for k in MOVE_BARS
        ]
        span = lows[i + 1 : i + 1 + MOVE_BARS[-1]]
        drawdown = min(0.0, (float(np.nanmin(span)) / e.close - 1) * 100) if len(span) else None
        out.append(
            BreakoutOutcome(
                ticker=e.ticker,
                date=e.date,
                close=e.close,
                level=e.level,
                zone_low=e.zone_low,
                zone_high=e.zone_high,
                base_id=e.base_id,
                base_start=e.base_start,
                base_weeks=e.base_weeks,
                test_count=e.test_count,
                attempt=e.attempt,
                on_volume=e.on_volume,
                volume_ratio=e.volume_ratio,
                outcome=outcome,
                failed_date=failed.date if failed else None,
                busted_date=busted.date if busted else None,
                move_10_pct=moves[0],
                move_30_pct=moves[1],
                max_drawdown_pct=drawdown,
            )
        )
    return out


def _follow_up(events: list[Event], breakout: Event, kind: str) -> Event | None:
    for e in events:
        if e.kind == kind and e.base_id == breakout.base_id and e.breakout_date == breakout.date:
            return e
    return None
