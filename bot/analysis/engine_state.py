"""Per-ticker state of the breakout event engine; JSON round-trips (it is persisted in SQLite).

Every field is JSON-native (dates are ISO strings), so ``TickerState.from_json(s.to_json())``
gives back an equal state, floats included.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

Phase = Literal["idle", "armed", "breakout", "failed"]
STATE_VERSION = 1


@dataclass
class ActiveBase:
    """The base the engine watches. Its levels follow the base finder while price is inside
    the base and are frozen from the breakout on."""

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
    def from_dict(cls, d: dict) -> "ActiveBase":
        return cls(**d)


@dataclass
class TickerState:
    ticker: str
    last_date: str | None = None  # newest bar processed (ISO)
    phase: Phase = "idle"
    base: ActiveBase | None = None
    attempt: int = 1  # breakout attempt on this base (2 = after one failed breakout)
    tests: list[str] = field(default_factory=list)  # distinct tests of the base's resistance (ISO dates)
    announced_tests: int = 0  # highest n announced as "n-th test"
    last_touch: str | None = None  # last distinct test or breakout date: the next test must come later
    breakout_date: str | None = None
    breakout_close: float | None = None
    bars_since_breakout: int = 0
    failed_date: str | None = None
    bars_since_failed: int = 0
    inside_closes: int = 0  # consecutive closes back inside the base after a failure
    refreshed_through: str | None = None  # last bar the base finder saw
    unconfirmed_refreshes: int = 0  # refreshes in a row where the finder did not confirm the armed base
    retired_through: str | None = None  # a base starting on/before this date was already broken out of
    version: int = STATE_VERSION

    def copy(self) -> "TickerState":
        return replace(
            self,
            base=replace(self.base) if self.base is not None else None,
            tests=list(self.tests),
        )

    def clear_base(self) -> None:
        """Forget the base and every breakout bookkeeping (back to idle).

        A base we saw break out is retired: the finder may keep reporting it for a while, but
        only a base that starts after that breakout can be armed again.
        """
        if self.breakout_date is not None and (self.retired_through or "") < self.breakout_date:
            self.retired_through = self.breakout_date
        self.phase = "idle"
        self.base = None
        self.attempt = 1
        self.tests = []
        self.announced_tests = 0
        self.last_touch = None
        self.breakout_date = None
        self.breakout_close = None
        self.bars_since_breakout = 0
        self.failed_date = None
        self.bars_since_failed = 0
        self.inside_closes = 0
        self.unconfirmed_refreshes = 0

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False)

    @classmethod
    def from_dict(cls, d: dict) -> "TickerState":
        d = dict(d)
        version = d.get("version", STATE_VERSION)
        if version != STATE_VERSION:
            raise ValueError(f"unsupported engine state version {version}")
        base = d.get("base")
        d["base"] = ActiveBase.from_dict(base) if base is not None else None
        d["tests"] = list(d.get("tests") or [])
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})

    @classmethod
    def from_json(cls, text: str) -> "TickerState":
        return cls.from_dict(json.loads(text))
