"""What the watch watches for one ticker, from its base as of the last close.

* a base not broken out (testing, pressing, in base, failed, faded): its **breakout line**
  (``Levels.line``), from below: a price above it is "crossing now";
* a standing breakout (status ``breakout``): its **invalidation** (``Levels.invalidation``),
  from above: a price below it is "falling back".

It is watched only when the last close is within ``WITHIN_PCT`` (3 %) of that line (or past it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.analysis.intraday.quotes import DOWN, UP
from bot.analysis.levels import Levels, levels_of_result
from bot.analysis.models import BaseResult

WITHIN_PCT = 3.0


@dataclass(frozen=True)
class Target:
    ticker: str
    status: str  # the base's status at the last close
    levels: Levels
    direction: int
    prev_close: float

    @property
    def line(self) -> float:
        return self.levels.line if self.direction == UP else self.levels.invalidation

    @property
    def gap_pct(self) -> float:
        """How far the last close is from the line, in % of the line (positive: not yet there);
        the same measure as :func:`bot.analysis.intraday.quotes.near`."""
        if self.direction == UP:
            return (1.0 - self.prev_close / self.line) * 100.0
        return (self.prev_close / self.line - 1.0) * 100.0

    @property
    def watched(self) -> bool:
        return self.gap_pct <= WITHIN_PCT + 1e-9


def verdict_at_close(target: Target, at_close: BaseResult | None, session: date) -> bool:
    """Whether the daily rules count the session's close for ``target``: from below, the base's
    status as of that close is a breakout on that session; from above (a standing breakout), the
    breakout failed or faded."""
    if at_close is None:
        return False
    if target.direction == UP:
        return at_close.status == "breakout" and at_close.breakout_date == session
    return at_close.status in ("failed", "faded")


def target_of(ticker: str, result: BaseResult | None) -> Target | None:
    """The line to watch for ``ticker`` given its base as of the last close (None: no base)."""
    if result is None:
        return None
    lv = levels_of_result(result)
    if lv is None:
        return None
    direction = DOWN if result.status == "breakout" else UP
    return Target(ticker, result.status, lv, direction, float(result.last_close))
