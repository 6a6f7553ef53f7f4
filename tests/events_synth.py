"""Synthetic price paths and injectable fake base finders for the event-engine tests."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from bot.analysis.models import BaseResult, Level, Test


def make_daily(closes, start: str = "2020-01-06", spread: float = 0.004, volume: float = 1e6, volumes=None) -> pd.DataFrame:
    """Business-day OHLCV frame whose closes are ``closes``; open = previous close,
    high/low = the body widened by ``spread``."""
    c = np.asarray(closes, dtype=float)
    o = np.r_[c[0], c[:-1]]
    idx = pd.bdate_range(start, periods=len(c), name="Date")
    vol = np.full(len(c), volume) if volumes is None else np.asarray(volumes, dtype=float)
    return pd.DataFrame(
        {
            "Open": o,
            "High": np.maximum(o, c) * (1 + spread),
            "Low": np.minimum(o, c) * (1 - spread),
            "Close": c,
            "Volume": vol,
        },
        index=idx,
    )


def path(points: list[tuple[int, float]]) -> np.ndarray:
    """Piecewise-linear closes through (bar, price) points, bar 0 to the last point."""
    xs, ys = zip(*points)
    return np.interp(np.arange(xs[-1] + 1), xs, ys)


def scripted_result(as_of: date, status: str, close: float, *, zone=(99.0, 100.0), support=(84.0, 86.0),
                    tests=(), start: date | None = None, breakout_date: date | None = None,
                    failed_date: date | None = None, attempt: int | None = None) -> BaseResult:
    """A BaseResult as find_base would give it for a base ``zone``/``support`` on ``as_of``."""
    level = (zone[0] + zone[1]) / 2
    if status in ("breakout", "failed") and attempt is None:
        attempt = 1
    start = start or date(2020, 1, 6)
    return BaseResult(
        as_of=as_of, timeframe="weekly", status=status, last_close=close, last_date=as_of,
        resistance=Level(level, *zone), support=Level((support[0] + support[1]) / 2, *support),
        tests=tuple(Test(t, zone[1]) for t in tests), start=start, weeks=(as_of - start).days / 7,
        depth_pct=(level - support[0]) / level * 100, distance_pct=(close / level - 1) * 100,
        base_type="consolidation", breakout_date=breakout_date, failed_date=failed_date, attempt=attempt,
    )


class ScriptedFinder:
    """find_base stand-in: ``script[as_of]`` is the result of that day; other days have no base."""

    def __init__(self, script: dict[date, BaseResult] | None = None):
        self.script = dict(script or {})
        self.calls: list[date] = []

    def __call__(self, daily, as_of=None, *, timeframe="weekly", params=None) -> BaseResult:
        as_of = as_of or daily.index[-1].date()
        assert daily.index[-1].date() <= as_of, "the engine handed the finder a bar after as_of"
        self.calls.append(as_of)
        if as_of in self.script:
            return self.script[as_of]
        close = float(daily["Close"].iloc[-1])
        return BaseResult(as_of=as_of, timeframe=timeframe, status="no_base", last_close=close, last_date=as_of)


class CachedFinder:
    """Wraps find_base for one price series: the result for an as_of is computed once
    (valid because find_base reads only bars <= as_of and the engine hands it the same window)."""

    def __init__(self, finder=None):
        if finder is None:
            from bot.analysis.base import find_base as finder
        self.finder = finder
        self.cache: dict = {}

    def __call__(self, daily, as_of=None, **kw):
        key = (daily.index[0], as_of or daily.index[-1].date(), kw.get("timeframe"))
        if key not in self.cache:
            try:
                self.cache[key] = self.finder(daily, as_of, **kw)
            except Exception as exc:  # NotEnoughData: remember and re-raise it
                self.cache[key] = exc
        hit = self.cache[key]
        if isinstance(hit, Exception):
            raise hit
        return hit
