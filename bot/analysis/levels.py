"""The levels a trader reads off a base: the breakout line, the buy range, the invalidation.

Each is the engine's own rule in numbers, never a second rule beside it:

* the **breakout line** is the close that confirms a breakout: above the zone top plus its
  buffer (``BaseParams.buffer_pct`` of the top), exactly as ``find_base`` judges it;
* the **buy range** runs from the line to ``BUY_RANGE_PCT`` (5 %) above it: IBD's convention
  for how far past the pivot a breakout is still "in range"; a close beyond it is *extended*;
* the **invalidation** is the close that would make the breakout a failed (within
  ``failure_window_days``) or faded (within ``fade_window_days``) one: a close below the zone
  bottom less the same buffer, or a close at or below ``failure_drop_pct`` under the breakout
  close, whichever comes first. Before a breakout only the zone rule is known (the 8 % stop is
  measured from the breakout's own close).

Data only; :mod:`bot.words.levels` says them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bot.analysis.base.params import BaseParams
from bot.analysis.models import BaseResult

if TYPE_CHECKING:  # the engine uses these levels: no import cycle at run time
    from bot.analysis.events.types import Event

BUY_RANGE_PCT = 5.0  # IBD's buy range: up to 5 % above the pivot (here: the breakout line)

_PARAMS = BaseParams()


@dataclass(frozen=True)
class Levels:
    """The levels of one base as of one close.

    ``floor`` is the zone rule's line (zone bottom less the buffer: a close *below* it fails),
    ``stop`` the 8 % rule's (a close *at or below* it fails; None before a breakout).
    ``invalidation`` is the higher of the two, the one a falling price meets first, and
    ``rule`` says which it is.
    """

    line: float
    buy_top: float
    floor: float
    stop: float | None
    close: float
    zone_low: float
    buffer_pct: float  # of the zone top: the breakout line's and the floor's buffer, in %
    window_days: int  # the failure rule applies this many sessions after the breakout
    next_resistance: float | None = None

    @property
    def invalidation(self) -> float:
        return self.floor if self.stop is None else max(self.floor, self.stop)

    @property
    def rule(self) -> Literal["zone", "stop"]:
        return "stop" if self.stop is not None and self.stop > self.floor else "zone"

    @property
    def extended(self) -> bool:
        """The close is past the buy range."""
        return self.close > self.buy_top

    @property
    def in_buy_range(self) -> bool:
        return self.line < self.close <= self.buy_top

    @property
    def risk_pct(self) -> float:
        """From the close down to the invalidation, in % of the close (negative below it)."""
        return (self.invalidation / self.close - 1.0) * 100.0

    def fails(self, close: float) -> bool:
        """Whether ``close`` (within the window) fails the breakout: the engine's rule."""
        return close < self.floor or (self.stop is not None and close <= self.stop)

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return round(float(x), 2) if x is not None else None

        return {
            "breakout_line": r(self.line),
            "buy_range": [r(self.line), r(self.buy_top)],
            "buy_range_pct": BUY_RANGE_PCT,
            "extended": self.extended,
            "invalidation": r(self.invalidation),
            "invalidation_rule": self.rule,
            "zone_floor": r(self.floor),
            "stop": r(self.stop),
            "risk_pct": r(self.risk_pct),
            "window_days": self.window_days,
            "next_resistance": r(self.next_resistance),
        }


def levels_of(zone_low: float, zone_high: float, close: float, *, breakout_close: float | None = None,
              next_resistance: float | None = None, params: BaseParams = _PARAMS) -> Levels:
    """The levels of a base whose resistance zone is ``zone_low..zone_high``, at ``close``;
    ``breakout_close`` when it has broken out (the 8 % rule's anchor)."""
    buffer = params.buffer_pct * zone_high  # the finder's Structure.buffer
    line = zone_high * (1 + params.buffer_pct)
    stop = breakout_close * (1 - params.failure_drop_pct / 100.0) if breakout_close is not None else None
    return Levels(
        line=float(line),
        buy_top=float(line * (1 + BUY_RANGE_PCT / 100.0)),
        floor=float(zone_low - buffer),
        stop=float(stop) if stop is not None else None,
        close=float(close),
        zone_low=float(zone_low),
        buffer_pct=params.buffer_pct * 100.0,
        window_days=params.fade_window_days,
        next_resistance=float(next_resistance) if next_resistance is not None else None,
    )


def levels_of_result(r: BaseResult, params: BaseParams = _PARAMS) -> Levels | None:
    """The levels of a ``find_base`` answer (None without a base). A broken-out base's next
    resistance is its major base's level when that is above the close."""
    if r.resistance is None or r.support is None:  # no base (BaseResult.has_base)
        return None
    above = None
    if r.major is not None and r.major.resistance is not None and r.major.resistance.level > r.last_close:
        above = r.major.resistance.level
    broke = r.breakout_close if r.status in ("breakout", "failed", "faded") else None
    return levels_of(r.resistance.zone_low, r.resistance.zone_high, r.last_close, breakout_close=broke,
                     next_resistance=above, params=params)


def levels_of_event(e: Event, params: BaseParams = _PARAMS) -> Levels:
    """The levels of an engine event's base at its close: a breakout anchors the 8 % rule on its
    own close, a failed, faded or busted event on its breakout's."""
    broke = e.close if e.kind == "breakout" else e.breakout_close
    return levels_of(e.zone_low, e.zone_high, e.close, breakout_close=broke, next_resistance=e.next_resistance,
                     params=params)
