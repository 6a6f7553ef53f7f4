"""When a member's personal alert fires, on the closes a scan has not seen yet. Pure.

* a level alert ("above" / "below" ``level``) fires on the first close beyond the level
  (strictly: a close *at* 200 is not above 200);
* a move alert fires on each close at least ``level`` % from the close before, either way;
* an event alert fires on the engine's events of its kind ("failed" covers a failed, faded or
  busted breakout; "test" a test of resistance; "any" every event).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

EVENT_KINDS: dict[str, frozenset[str]] = {
    "breakout": frozenset({"breakout"}),
    "failed": frozenset({"failed", "faded", "busted"}),
    "test": frozenset({"testing"}),
    "any": frozenset({"breakout", "failed", "faded", "busted", "testing"}),
}


def beyond(kind: str, level: float, close: float) -> bool:
    """Whether ``close`` is beyond a level alert's ``level`` ("above": higher, "below": lower)."""
    return close > level if kind == "above" else close < level


def level_firing(kind: str, level: float, closes: Sequence[tuple[date, float]]) -> tuple[date, float] | None:
    """The first (day, close) of ``closes`` (new closes, oldest first) beyond the level."""
    for day, close in closes:
        if beyond(kind, level, close):
            return day, close
    return None


def move_firings(level_pct: float, closes: Sequence[tuple[date, float, float | None]]) -> list[tuple[date, float, float]]:
    """(day, close, change %) of each new close at least ``level_pct`` % from its previous
    close (``closes``: (day, close, previous close))."""
    out = []
    for day, close, prev in closes:
        if prev is None or prev <= 0:
            continue
        change = (close / prev - 1.0) * 100.0
        if abs(change) >= level_pct - 1e-9:
            out.append((day, close, change))
    return out


def matches(alert_kind: str, event_kind: str) -> bool:
    return event_kind in EVENT_KINDS.get(alert_kind, frozenset())
