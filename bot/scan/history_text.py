"""`history TICKER`: the engine's past breakouts of a ticker and how each one ended (pure core)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta

from bot.dates import parse_date
from bot.errors import BadArgument
from bot.scan.scanner import DEFAULT_LOOKBACK_DAYS
from bot.tickers import normalize_ticker

FATE_WORDS = {"held": "✅ held", "failed": "❌ failed", "faded": "↘️ faded", "busted": "💥 busted",
              "pending": "⏳ too early to tell"}
MAX_YEARS = 10


@dataclass(frozen=True)
class HistoryReport:
    ticker: str
    title: str
    lines: tuple[str, ...]
    footer: str


def _pct(x) -> str:
    return f"{x:+.1f}%" if x is not None else "–"


def outcome_line(o) -> str:
    """``o`` is a :class:`bot.analysis.events.outcomes.BreakoutOutcome`."""
    ended = o.busted_date or o.failed_date
    fate = FATE_WORDS.get(o.outcome, o.outcome) + (f" {ended.isoformat()}" if ended else "")
    vol = " on volume" if o.on_volume else ""
    attempt = f" (attempt {o.attempt})" if o.attempt > 1 else ""
    return (f"**{o.date.isoformat()}** close {o.close:,.2f} over {o.level:,.2f}{vol}{attempt} — {fate} · "
            f"10 bars {_pct(o.move_10_pct)}, 30 bars {_pct(o.move_30_pct)}, worst {_pct(o.max_drawdown_pct)}")


async def make_history_report(market, ticker: str, *, years: int = 3, as_of: date | str | None = None) -> HistoryReport:
    from bot.analysis.events.outcomes import breakout_history

    ticker = normalize_ticker(ticker)
    if not 1 <= years <= MAX_YEARS:
        raise BadArgument(f"Give 1 to {MAX_YEARS} years of history.")
    end = parse_date(as_of) or date.today()
    start = end - timedelta(days=365 * years)
    daily = await market.history(ticker, start=start - timedelta(days=DEFAULT_LOOKBACK_DAYS), end=end)
    outcomes = await asyncio.to_thread(breakout_history, ticker, daily, start, end)
    last = daily.index[-1].date()
    n = len(outcomes)
    title = f"{ticker}: {n} breakout{'s' if n != 1 else ''} in the last {years} year{'s' if years != 1 else ''}"
    if outcomes:
        held = sum(o.outcome == "held" for o in outcomes)
        failed = sum(o.outcome in ("failed", "busted") for o in outcomes)  # busted: failed, then below support
        faded = sum(o.outcome == "faded" for o in outcomes)
        title += f" — {held} held, {failed} failed" + (f", {faded} faded" if faded else "")
    lines = tuple(outcome_line(o) for o in outcomes) or ("No breakout from a base in that time.",)
    return HistoryReport(ticker, title, lines, f"Daily closes to {last.isoformat()} · moves vs the breakout close")
