"""One line per tracked ticker for `watch list`: where it stands against its base."""

from __future__ import annotations

from bot.store.engine_states import StateRecord

PHASE_WORDS = {
    "idle": "no active base",
    "armed": "in its base",
    "breakout": "broke out",
    "failed": "failed breakout",
}
# BaseResult.status (quick base report for tickers the scan has not seen yet)
STATUS_WORDS = {
    "no_base": "no base",
    "in_base": "in its base",
    "testing": "testing resistance",
    "pressing": "pressing the breakout line",
    "breakout": "broke out",
    "failed": "failed breakout",
    "faded": "breakout faded",
}


def _distance(level: float | None, distance: float | None) -> str:
    if level is None or distance is None:
        return ""
    side = "above" if distance >= 0 else "below"
    return f" · {abs(distance):.1f}% {side} resistance {level:,.2f}"


def line_from_state(ticker: str, rec: StateRecord) -> str:
    words = PHASE_WORDS.get(rec.phase or "", rec.phase or "unknown")
    close = f" · close {rec.last_close:,.2f}" if rec.last_close is not None else ""
    when = f" ({rec.last_date.isoformat()})" if rec.last_date else ""
    return f"**{ticker}** — {words}{close}{_distance(rec.level, rec.distance_pct)}{when}"


def line_from_base(ticker: str, result) -> str:
    """``result`` is a :class:`bot.analysis.models.BaseResult`."""
    words = STATUS_WORDS.get(result.status, result.status)
    level = result.resistance.level if result.resistance is not None else None
    return (f"**{ticker}** — {words} · close {result.last_close:,.2f}{_distance(level, result.distance_pct)}"
            f" ({result.last_date.isoformat()}, not scanned yet)")


def line_unknown(ticker: str, why: str = "waiting for the first scan") -> str:
    return f"**{ticker}** — {why}"
