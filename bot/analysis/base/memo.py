"""What a ``find_base`` memo holds, by name. A caller keeps one between calls on growing prefixes
of one ticker's bars (a replay, or the daily scan from one evening to the next); the answer is the
same with or without it (``carry.py`` says why that is safe).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.analysis.base.carry import AnalysisArrays, BarsSeen
from bot.analysis.base.params import BaseParams
from bot.analysis.base.scan import Ceilings

# A base is kept under (params, weekly, first bar's day number, first bar's close, the day number
# and close of the bar it was built through): the data, not just its dates.
BaseKey = tuple[BaseParams, bool, int, float, int, float]


@dataclass
class FreshCloses:
    """The scan days worked out so far, and those whose close passed the breakout pre-check at
    each scale (0 nearest, 1 major): only new days are worked out (``_Analyzer.fresh_closes``)."""

    known: set[int] = field(default_factory=set)
    passed: dict[int, set[int]] = field(default_factory=dict)


@dataclass(eq=False)
class FinderMemo:
    """``find_base``'s memory between calls, each part named."""

    seen: BarsSeen | None = None  # the bars the entries below were built on (carry.check_bars)
    resets: int = 0  # how many times the entries were dropped because those bars had changed
    arrays: dict[tuple[bool, int], AnalysisArrays] = field(default_factory=dict)  # (weekly, ATR length)
    fresh: dict[tuple[BaseParams, bool], FreshCloses] = field(default_factory=dict)  # (params, weekly)
    bases: dict[BaseKey, Ceilings] = field(default_factory=dict)  # by the bar they were built through

    def clear(self) -> None:
        """Drop every entry (the count of resets stays)."""
        self.seen = None
        self.arrays.clear()
        self.fresh.clear()
        self.bases.clear()

    @property
    def empty(self) -> bool:
        return self.seen is None and not (self.arrays or self.fresh or self.bases)
