"""Result types shared by analysis, charts, reports, the CLI and the cogs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import pandas as pd

# "pressing": the last close is above the zone but not beyond the breakout buffer (not a test)
BaseStatus = Literal["no_base", "in_base", "testing", "pressing", "breakout", "failed", "faded"]
Scale = Literal["nearest", "major"]
Timeframe = Literal["weekly", "daily"]
# The rule the nearest candidate base failed (see NoBase).
NoBaseRule = Literal["too_few_bars", "no_resistance", "tested_once", "too_few_tests", "too_young", "too_deep",
                     "closed_above", "breaking_down"]


@dataclass(frozen=True)
class Test:
    """One distinct touch of the resistance zone: the day of the high and the high."""

    date: date
    high: float


@dataclass(frozen=True)
class Level:
    """A price level with the zone its pivots cluster in."""

    level: float
    zone_low: float
    zone_high: float

    def to_dict(self) -> dict[str, Any]:
        return {"level": round(self.level, 2), "zone": [round(self.zone_low, 2), round(self.zone_high, 2)]}


@dataclass(frozen=True)
class RecordHigh:
    """Price at (or within 3 % of) its all-time high with no ceiling above: the base it cleared.

    ``level`` is the old record that was cleared on ``cleared_date`` after standing ``weeks``
    (from the day it was set); ``pct_above`` is the last close against it.
    """

    level: float
    set_date: date
    cleared_date: date
    weeks: float
    pct_above: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": round(self.level, 2),
            "set_date": self.set_date.isoformat(),
            "cleared_date": self.cleared_date.isoformat(),
            "weeks": round(self.weeks, 1),
            "pct_above": round(self.pct_above, 2),
        }


@dataclass(frozen=True)
class NoBase:
    """Why there is no base: the rule the nearest candidate failed and the numbers it failed on.

    ``price`` is the candidate's ceiling (tested_once, too_few_tests, closed_above); ``tests``
    its number of tests (too_few_tests); ``weeks`` its length (too_young); ``depth_pct`` its
    depth (too_deep). :func:`bot.words.base.no_base_words` says it.
    """

    rule: NoBaseRule
    price: float | None = None
    tests: int | None = None
    weeks: float | None = None
    depth_pct: float | None = None


@dataclass(frozen=True)
class BaseResult:
    """What ``find_base`` concludes about one ticker as of one date.

    When ``status == "no_base"`` the level fields are None and ``tests`` is empty.
    ``distance_pct`` is (last_close / resistance.level - 1) * 100 (negative below resistance).
    ``depth_pct`` is (resistance.level - support.level) / resistance.level * 100.
    ``breakout_date`` (and ``attempt``) are set when status is "breakout", "failed" or
    "faded"; ``failed_date`` when it is "failed" (back inside within 10 bars) or "faded"
    (within 30). ``weeks`` is (last_date - start) in weeks: the one length every title, embed
    and chart shows. ``major`` is the major base (a higher, older ceiling) when it differs from
    this one; ``record`` is set when price is at a record high with no ceiling above. ``why``
    says why there is no base (status "no_base"). Data only: :mod:`bot.words.base` says it.
    """

    as_of: date
    timeframe: Timeframe
    status: BaseStatus
    last_close: float
    last_date: date
    resistance: Level | None = None
    support: Level | None = None
    tests: tuple[Test, ...] = ()
    start: date | None = None
    weeks: float | None = None
    depth_pct: float | None = None
    distance_pct: float | None = None
    base_type: str | None = None  # "flat" (<=15% deep), "consolidation" (<=35%), "loose"
    breakout_date: date | None = None
    # status "failed": the day of the failing close. Status breakout/failed: which breakout of
    # this base it is (1 = first; 2 = after one failed breakout, the base re-armed; ...).
    failed_date: date | None = None
    attempt: int | None = None
    # status breakout/failed/faded: the daily close of the breakout day (the 8 % rule's anchor)
    breakout_close: float | None = None
    scale: Scale = "nearest"
    major: "BaseResult | None" = None
    record: RecordHigh | None = None
    why: NoBase | None = None  # status "no_base": the rule the nearest candidate failed

    @property
    def has_base(self) -> bool:
        return self.resistance is not None and self.support is not None

    def base_levels(self) -> tuple[Level, Level]:
        """(resistance, support) of a result that has a base; ValueError without one."""
        if self.resistance is None or self.support is None:
            raise ValueError(f"a {self.status} result has no base")
        return self.resistance, self.support

    def to_dict(self) -> dict[str, Any]:
        def d(x: date | None) -> str | None:
            return x.isoformat() if x is not None else None

        return {
            "as_of": d(self.as_of),
            "timeframe": self.timeframe,
            "status": self.status,
            "last_close": round(self.last_close, 2),
            "last_date": d(self.last_date),
            "start": d(self.start),
            "weeks": round(self.weeks, 1) if self.weeks is not None else None,
            "depth_pct": round(self.depth_pct, 2) if self.depth_pct is not None else None,
            "distance_pct": round(self.distance_pct, 2) if self.distance_pct is not None else None,
            "base_type": self.base_type,
            "breakout_date": d(self.breakout_date),
            "breakout_close": round(self.breakout_close, 2) if self.breakout_close is not None else None,
            "resistance": (
                {**self.resistance.to_dict(), "tests": [{"date": t.date.isoformat(), "high": round(t.high, 2)} for t in self.tests]}
                if self.resistance is not None
                else None
            ),
            "support": self.support.to_dict() if self.support is not None else None,
            "scale": self.scale,
            "failed_date": d(self.failed_date),
            "attempt": self.attempt,
            "major": self.major.to_dict() if self.major is not None else None,
            "record": self.record.to_dict() if self.record is not None else None,
        }


@dataclass(frozen=True)
class Comparison:
    """Relative performance of several tickers over one period.

    ``normalized`` has one column per ticker, each starting at 1.0 on ``start``.
    ``ratio`` is first/second normalised to 1.0 on ``start``.
    ``returns`` maps ticker -> percent change (e.g. 23.42).
    """

    period: str
    start: date
    end: date
    tickers: tuple[str, ...]
    returns: dict[str, float]
    normalized: pd.DataFrame = field(repr=False)
    ratio: pd.Series[float] | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "tickers": list(self.tickers),
            "returns": {t: round(r, 2) for t, r in self.returns.items()},
            "ratio": round(float(self.ratio.iloc[-1]), 4) if self.ratio is not None else None,
        }


@dataclass(frozen=True)
class Marker:
    """An annotation for a chart: e.g. a breakout or failed-breakout bar."""

    date: date
    price: float
    label: str
    kind: Literal["breakout", "failed", "faded", "busted", "testing", "note"] = "note"
