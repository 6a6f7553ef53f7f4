"""Evidence beside a signal: volume, relative strength, trend, the market's state, earnings.

Pure pandas/numpy. Each part is None when the data does not support it, and the words leave a
None part out. :class:`Evidence` goes into outbox payloads as JSON (:meth:`Evidence.to_dict`);
payloads written before it existed have no ``evidence`` key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from bot.analysis.bars.indicators import volume_ratio as _volume_ratios
from bot.analysis.evidence._cut import AsOf, cut
from bot.analysis.evidence.market_state import (
    INDEXES,
    STATES,
    MarketRules,
    MarketState,
    market_state,
    market_state_one_pass,
    market_states,
    market_tape,
)
from bot.analysis.evidence.relative_strength import (
    rs_line,
    rs_line_at_high,
    rs_line_highs,
    rs_ranks,
    rs_ranks_at,
    rs_score,
)
from bot.analysis.evidence.trend import Trend, trend_at

_T = TypeVar("_T")


@dataclass(frozen=True)
class Evidence:
    volume_ratio: float | None = None  # the day's volume / the mean of the 50 sessions before it
    rs_high: bool | None = None  # RS line (close / SPY) at a 52-week high
    rs_rank: int | None = None  # 1..99 within a known universe
    trend: Trend | None = None
    market: MarketState | None = None
    earnings: date | None = None  # the next earnings date, when the source knows one
    earnings_sessions: int | None = None  # sessions from the as-of day to the earnings date

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (dates as ISO strings)."""
        return {
            "volume_ratio": self.volume_ratio,
            "rs_high": self.rs_high,
            "rs_rank": self.rs_rank,
            "trend": self.trend.to_dict() if self.trend else None,
            "market": self.market.to_dict() if self.market else None,
            "earnings": self.earnings.isoformat() if self.earnings else None,
            "earnings_sessions": self.earnings_sessions,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> Evidence:
        """The inverse of :meth:`to_dict`; a missing key (an older payload) is None."""
        d = d or {}

        def opt(key: str, kind: Callable[[Any], _T]) -> _T | None:
            v = d.get(key)
            return None if v is None else kind(v)

        return cls(
            volume_ratio=opt("volume_ratio", float),
            rs_high=opt("rs_high", bool),
            rs_rank=opt("rs_rank", int),
            trend=opt("trend", Trend.from_dict),
            market=opt("market", MarketState.from_dict),
            earnings=opt("earnings", date.fromisoformat),
            earnings_sessions=opt("earnings_sessions", int),
        )


def _volume_ratio_at(daily: pd.DataFrame) -> float | None:
    if "Volume" not in daily.columns or len(daily) < 51:
        return None
    v = float(_volume_ratios(daily.iloc[-51:]).iloc[-1])
    return v if np.isfinite(v) else None


def evidence_at(
    daily: pd.DataFrame,
    bench_daily: pd.DataFrame | None,
    as_of: AsOf = None,
    *,
    market: MarketState | None = None,
    rs_rank: int | None = None,
    earnings: date | None = None,
    earnings_sessions: int | None = None,
) -> Evidence:
    """The evidence on the last bar on or before ``as_of`` of a daily frame.

    ``bench_daily`` (SPY) gives the RS line; None, or the ticker being the benchmark itself
    (the same closes), gives no RS. The market state, the RS rank and earnings come from the
    caller (they need the index, a universe and a calendar source)."""
    d = cut(daily, as_of)
    close = d["Close"]
    rs_high = None
    if bench_daily is not None and not bench_daily.empty:
        bench = cut(bench_daily, as_of)["Close"]
        a, b = close.dropna().align(bench.dropna(), join="inner")
        if not np.array_equal(a.to_numpy(), b.to_numpy()):
            rs_high = rs_line_at_high(close, bench)
    return Evidence(
        volume_ratio=_volume_ratio_at(d),
        rs_high=rs_high,
        rs_rank=rs_rank,
        trend=trend_at(close),
        market=market,
        earnings=earnings,
        earnings_sessions=earnings_sessions,
    )


__all__ = [
    "INDEXES", "STATES", "Evidence", "MarketRules", "MarketState", "Trend", "evidence_at", "market_state", "market_states",
    "market_state_one_pass", "market_tape", "rs_line", "rs_line_at_high", "rs_line_highs", "rs_ranks", "rs_ranks_at", "rs_score",
    "trend_at",
]
