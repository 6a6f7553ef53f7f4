"""Rates with 95 % Wilson score intervals, and one group's summary."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from bot.analysis.study.measure import Case

OUTCOMES = ("held", "failed", "faded", "busted", "pending")
QUANTILES = (10, 25, 50, 75, 90)
Z95 = 1.959963984540054  # the standard normal's 97.5 % quantile


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of k successes in n trials, as fractions (0, 1 when n == 0)."""
    if n <= 0:
        return 0.0, 1.0
    if not 0 <= k <= n:
        raise ValueError(f"{k} successes of {n} trials")
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def rate(flags: Iterable[bool | None]) -> dict[str, Any]:
    """{"k", "n", "pct", "lo", "hi"} of the known flags (None is not counted): the share that is
    True, in %, with its 95 % Wilson interval in %."""
    known = [bool(f) for f in flags if f is not None]
    n, k = len(known), sum(known)
    lo, hi = wilson(k, n)
    return {"k": k, "n": n, "pct": _r(100 * k / n) if n else None, "lo": _r(100 * lo), "hi": _r(100 * hi)}


def median(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return _r(float(np.median(known)), 2) if known else None


def quantiles(values: Sequence[float | None]) -> list[float] | None:
    """The 10th, 25th, 50th, 75th and 90th percentiles of the known values (None: none known)."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    return [_r(float(q), 2) for q in np.percentile(known, QUANTILES)]


def overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two rates' intervals overlap."""
    return bool(a["lo"] <= b["hi"] and b["lo"] <= a["hi"])


def summarize(cases: Sequence[Case]) -> dict[str, Any]:
    """A group of measured breakouts (:class:`bot.analysis.study.measure.Case`):
    ``n``; the rates held (of those no longer pending), up 20 sessions later, threw back to the
    line within 10 sessions, resumed after a throwback; the medians of the returns 10, 20, 60
    sessions later and of the best gain."""
    return {
        "n": len(cases),
        "held": rate(None if c.outcome == "pending" else c.outcome == "held" for c in cases),
        "up20": rate(None if c.r20 is None else c.r20 > 0 for c in cases),
        "throwback": rate(c.throwback for c in cases),
        "resumed": rate(c.resumed for c in cases if c.throwback),
        "median": {k: median(getattr(c, k) for c in cases) for k in ("r10", "r20", "r60", "best_gain")},
        "outcomes": {k: sum(c.outcome == k for c in cases) for k in OUTCOMES},
        "r20_quantiles": quantiles([c.r20 for c in cases]),
    }


def summarize_baseline(returns: np.ndarray) -> dict[str, Any]:
    """The 20-session return from every day: ``n``, the share up (with its interval), the median."""
    n = int(len(returns))
    k = int((returns > 0).sum())
    lo, hi = wilson(k, n)
    return {
        "n": n,
        "up20": {"k": k, "n": n, "pct": _r(100 * k / n) if n else None, "lo": _r(100 * lo), "hi": _r(100 * hi)},
        "median_r20": _r(float(np.median(returns)), 2) if n else None,
        "r20_quantiles": [_r(float(q), 2) for q in np.percentile(returns, QUANTILES)] if n else None,
    }


def _r(x: float, nd: int = 1) -> float:
    return round(float(x), nd) + 0.0  # + 0.0: never -0.0
