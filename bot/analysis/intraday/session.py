"""One ticker's session replayed as the watch sees it: a round every few minutes reads the last
5-minute bar that has ended, posts "crossing now" the first time a usable quote is past the
line (once per ticker, base and session), and the close settles it:

* **confirmed** when the daily rules count the session's close: the base's status as of that
  close is a breakout of that day (or, for a standing breakout watched at its invalidation, failed
  or faded) — :func:`bot.analysis.intraday.targets.verdict_at_close`, given as ``verdict``;
  without a verdict, when the close is past the line;
* **withdrawn** otherwise: closed back inside (``inside``), or past the line but not counted by
  the daily rules (``not_counted``: e.g. a base whose earlier breakout already faded, or whose
  zone moved with the day's bar).

The quote's own time is the end of its bar (when that price was known), not the round's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from bot.analysis.intraday.profile import BAR_MINUTES, pace, u_profile
from bot.analysis.intraday.quotes import OK, REASONS, UP, crossings, quote_status

DEFAULT_EVERY_MINUTES = 5
MIN_EVERY_MINUTES = 1


@dataclass(frozen=True)
class Crossing:
    ticker: str
    session: date
    line: float
    direction: int  # UP: the breakout line from below; DOWN: the invalidation from above
    price: float
    quote_at: pd.Timestamp  # the quote's own time (exchange time)
    round_at: pd.Timestamp  # the round that saw it
    pace: float | None  # the day's volume so far over the usual by this time

    def to_dict(self) -> dict[str, Any]:
        return {"ticker": self.ticker, "session": self.session.isoformat(), "line": round(self.line, 2),
                "direction": "up" if self.direction == UP else "down", "price": round(self.price, 2),
                "quote_at": self.quote_at.isoformat(), "round_at": self.round_at.isoformat(),
                "volume_pace": None if self.pace is None else round(self.pace, 2)}


@dataclass(frozen=True)
class Settlement:
    outcome: Literal["confirmed", "withdrawn"]
    close: float
    reason: Literal["past", "inside", "not_counted"] = "past"

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "close": round(self.close, 2), "reason": self.reason}


@dataclass(frozen=True)
class SessionWatch:
    ticker: str
    session: date
    line: float
    direction: int
    rounds: int
    crossing: Crossing | None
    settlement: Settlement | None  # None without a crossing, or before the close
    skipped: dict[str, Any] = field(default_factory=dict)  # reason -> rounds whose quote was not used

    def to_dict(self) -> dict[str, Any]:
        return {"ticker": self.ticker, "session": self.session.isoformat(), "line": round(self.line, 2),
                "direction": "up" if self.direction == UP else "down", "rounds": self.rounds,
                "crossing": None if self.crossing is None else self.crossing.to_dict(),
                "settlement": None if self.settlement is None else self.settlement.to_dict(),
                "skipped_rounds": dict(self.skipped)}


def _seconds(index: pd.DatetimeIndex) -> np.ndarray:
    """Seconds since the epoch, whatever the index's unit (pandas 3 keeps microseconds)."""
    return index.as_unit("ns").asi8 / 1e9


def settle(direction: int, line: float, close: float, verdict: bool | None = None) -> Settlement:
    """How the session's ``close`` settles a crossing of ``line``; ``verdict``: whether the daily
    rules count that close (None: the close past the line counts)."""
    past = close > line if direction == UP else close < line
    counted = past if verdict is None else bool(verdict)
    if counted:
        return Settlement("confirmed", float(close), "past")
    return Settlement("withdrawn", float(close), "not_counted" if past else "inside")


def round_times(session_open: pd.Timestamp, session_close: pd.Timestamp,
                every_minutes: int = DEFAULT_EVERY_MINUTES) -> pd.DatetimeIndex:
    """The watch's rounds in a session: every ``every_minutes`` (at least 1) from the open, the
    last at the close."""
    if every_minutes < MIN_EVERY_MINUTES:
        raise ValueError(f"the watch runs at most once a minute, not every {every_minutes}")
    return pd.date_range(session_open + pd.Timedelta(minutes=every_minutes), session_close,
                         freq=f"{every_minutes}min")


def watch_session(ticker: str, bars: pd.DataFrame, line: float, direction: int, prev_close: float,
                  session_open: pd.Timestamp, session_close: pd.Timestamp, *,
                  every_minutes: int = DEFAULT_EVERY_MINUTES, profile: np.ndarray | None = None,
                  usual_volume: float | None = None, closed: bool = True, verdict: bool | None = None) -> SessionWatch:
    """Replay the watch over one session's 5-minute ``bars`` (indexed by bar start, exchange
    time). ``profile``: the ticker's cumulative volume profile (None: the U shape);
    ``usual_volume``: its usual day's volume (None: no pace). ``closed``: the session is over and
    its last bar's close settles the crossing; ``verdict``: whether the daily rules count that
    close (:func:`settle`)."""
    session = session_open.date()
    rounds = round_times(session_open, session_close, every_minutes)
    ends = cast(pd.DatetimeIndex, bars.index) + pd.Timedelta(minutes=BAR_MINUTES)
    day = (ends > session_open) & (ends <= session_close)
    ends, closes = ends[day], bars["Close"].to_numpy(dtype=float)[day]
    cumvol = np.cumsum(np.nan_to_num(bars["Volume"].to_numpy(dtype=float)[day]))
    end_s, round_s = _seconds(ends), _seconds(rounds)
    last = np.searchsorted(end_s, round_s, side="right") - 1  # the last bar ended by each round
    have = last >= 0
    price = np.where(have, closes[np.maximum(last, 0)] if len(closes) else np.nan, np.nan)
    qtime = np.where(have, end_s[np.maximum(last, 0)] if len(ends) else np.nan, np.nan)
    status = quote_status(price, qtime, round_s, np.full(len(rounds), prev_close))
    crossed = crossings(price, np.full(len(rounds), line), np.full(len(rounds), direction), status)
    skipped = {REASONS[s]: int(n) for s, n in zip(*np.unique(status[status != OK], return_counts=True))}
    crossing = None
    if crossed.any():
        i = int(np.argmax(crossed))
        slots = len(profile) if profile is not None else int((session_close - session_open) / pd.Timedelta(
            minutes=BAR_MINUTES))
        prof = profile if profile is not None else u_profile(slots)
        minutes = (ends[last[i]] - session_open) / pd.Timedelta(minutes=1)
        p = pace(cumvol[last[i]], prof, minutes, usual_volume) if usual_volume else None
        crossing = Crossing(ticker, session, float(line), direction, float(price[i]), ends[last[i]], rounds[i], p)
    settlement = None
    if crossing is not None and closed and len(closes) and ends[-1] == session_close:
        settlement = settle(direction, line, float(closes[-1]), verdict)
    return SessionWatch(ticker, session, float(line), direction, len(rounds), crossing, settlement, skipped)
