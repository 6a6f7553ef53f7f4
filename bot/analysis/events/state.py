"""Per-ticker memory of the breakout event engine; JSON round-trips (it is persisted in SQLite).

Breakout, failed and busted events are a function of the price data alone (see
:mod:`bot.analysis.events`); the only memory that shapes announcements is which tests were
seen lately (so "the 4th test" is posted once, whatever the count does the next day). ``phase``
and ``base`` describe the newest bar for status displays and never influence events.

Every field is JSON-native (dates are ISO strings), so ``TickerState.from_json(s.to_json())``
gives back an equal state, floats included. A state of another (older) version loads as a
fresh state: the engine then starts over from the newest bar.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Phase = Literal["idle", "armed", "breakout", "failed"]
STATE_VERSION = 5

# find_base status -> engine phase (what `watch list` shows)
PHASE_OF_STATUS: dict[str, Phase] = {
    "no_base": "idle",
    "in_base": "armed",
    "testing": "armed",
    "pressing": "armed",
    "breakout": "breakout",
    "failed": "failed",
    "faded": "failed",
}


@dataclass
class ActiveBase:
    """The base find_base reported on the newest bar (informational)."""

    base_id: str
    start: str  # ISO date
    level: float
    zone_low: float
    zone_high: float
    support: float
    support_low: float
    support_high: float
    base_type: str | None = None
    depth_pct: float | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ActiveBase":
        return cls(**d)


@dataclass
class SeenTest:
    """A bar on which find_base reported an n-th test (n >= the announcing threshold).

    Remembering what the finder *saw*, not what was announced, keeps announcements a function
    of the data: after ``same_test_days`` every bot holds the same memory, whenever it started.
    """

    seen: str  # ISO date of the bar that reported it
    date: str  # ISO date of the test (its week's high)
    n: int
    zone_low: float
    zone_high: float

    def overlaps(self, zone_low: float, zone_high: float) -> bool:
        return zone_low <= self.zone_high and zone_high >= self.zone_low

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SeenTest":
        return cls(**d)


@dataclass
class TickerState:
    ticker: str
    last_date: str | None = None  # newest bar processed (ISO)
    phase: Phase = "idle"
    base: ActiveBase | None = None
    seen_tests: list[SeenTest] = field(default_factory=list)  # oldest first
    # base id -> [most tests find_base reported for it, ISO date it was last reported]: test
    # numbers per base only go up (a recount to a number already reached is not news)
    base_tests: dict[str, list[Any]] = field(default_factory=dict)  # [count, ISO date]
    # ISO dates of the events of the last year (the "n-th test" alert budget)
    recent_events: list[str] = field(default_factory=list)
    version: int = STATE_VERSION

    def copy(self) -> "TickerState":
        return replace(
            self,
            base=replace(self.base) if self.base is not None else None,
            seen_tests=[replace(a) for a in self.seen_tests],
            base_tests={k: list(v) for k, v in self.base_tests.items()},
            recent_events=list(self.recent_events),
        )

    def to_dict(self) -> dict[str, Any]:
        """``dataclasses.asdict`` of the state, written out (the daily scan saves every ticker's)."""
        return {
            "ticker": self.ticker,
            "last_date": self.last_date,
            "phase": self.phase,
            "base": dict(vars(self.base)) if self.base is not None else None,
            "seen_tests": [dict(vars(a)) for a in self.seen_tests],
            "base_tests": {k: list(v) for k, v in self.base_tests.items()},
            "recent_events": list(self.recent_events),
            "version": self.version,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TickerState":
        ticker = d.get("ticker", "")
        if d.get("version") != STATE_VERSION:
            return cls(ticker=ticker)  # another engine's memory: start fresh
        base = d.get("base")
        return cls(
            ticker=ticker,
            last_date=d.get("last_date"),
            phase=d.get("phase", "idle"),
            base=ActiveBase.from_dict(base) if base is not None else None,
            seen_tests=[SeenTest.from_dict(a) for a in d.get("seen_tests") or []],
            base_tests={k: list(v) for k, v in (d.get("base_tests") or {}).items()},
            recent_events=list(d.get("recent_events") or []),
        )

    @classmethod
    def from_json(cls, text: str) -> "TickerState":
        return cls.from_dict(json.loads(text))
