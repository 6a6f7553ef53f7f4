"""The announcement-worthy events the breakout engine emits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Literal

EventKind = Literal["testing", "breakout", "failed", "faded", "busted"]

# When several things happen to one ticker on one day only the highest ranks is announced.
KIND_PRIORITY: dict[str, int] = {"busted": 3, "failed": 2, "faded": 2, "breakout": 1, "testing": 0}


def _r(x: float | None, nd: int = 2) -> float | None:
    return round(float(x), nd) if x is not None else None


@dataclass(frozen=True)
class Event:
    """One transition of one ticker on one daily close.

    ``level`` is the resistance level for testing/breakout; for failed/busted it is the line
    that was crossed (the zone bottom, the stop, or the support). ``pct_beyond`` is
    ``(close / level - 1) * 100``. Data only: :func:`bot.words.events.event_reason` says it.
    """

    ticker: str
    kind: EventKind
    date: dt.date  # (the field's name hides the type from here on)
    close: float
    level: float
    zone_low: float
    zone_high: float
    support: float
    base_id: str
    base_start: dt.date
    base_weeks: float
    test_count: int
    volume_ratio: float | None
    on_volume: bool
    pct_beyond: float
    breakout_date: dt.date | None = None
    breakout_close: float | None = None
    attempt: int = 1
    major: bool = False  # an event of the major base (the higher, older ceiling)
    next_resistance: float | None = None  # breakout of the nearest base: the major level above
    # failed / faded: bars from the breakout to the failing close, and whether the close fell
    # back below the zone (else it fell the stop's percentage below the breakout close)
    bars_since_breakout: int | None = None
    back_inside: bool = False
    # testing: the high of the newest test, and whether it pushed above the zone's top
    test_high: float | None = None
    pushed_above: bool = False

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Idempotency key: the same key is never announced twice."""
        return (self.ticker, self.base_id, self.kind, self.date.isoformat())

    def to_dict(self) -> dict[str, Any]:
        """The event as data (the outbox payload without its "reason" and "key": see
        :func:`bot.words.events.event_dict`)."""
        return {
            "date": self.date.isoformat(),
            "ticker": self.ticker,
            "event": self.kind,
            "close": _r(self.close),
            "level": _r(self.level),
            "zone_low": _r(self.zone_low),
            "zone_high": _r(self.zone_high),
            "support": _r(self.support),
            "base_id": self.base_id,
            "base_start": self.base_start.isoformat(),
            "base_weeks": _r(self.base_weeks, 1),
            "test_count": self.test_count,
            "volume_ratio": _r(self.volume_ratio),
            "on_volume": self.on_volume,
            "pct_beyond": _r(self.pct_beyond),
            "attempt": self.attempt,
            "major": self.major,
            "next_resistance": _r(self.next_resistance),
            "breakout_date": self.breakout_date.isoformat() if self.breakout_date else None,
            "breakout_close": _r(self.breakout_close),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        """The event back from :meth:`to_dict` (an outbox payload; extra keys such as "reason"
        and "key" are ignored, fields that older versions did not store take their defaults)."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in d.items() if k in names}
        values["kind"] = d["event"]
        for k in ("date", "base_start", "breakout_date"):
            if isinstance(values.get(k), str):
                values[k] = date.fromisoformat(values[k])
        return cls(**values)
