"""The evidence beside a signal, one compact line each: volume, relative strength, trend, the
market's state, earnings. A part the data does not support (None) is left out, never called
unknown. Facts and levels only, never advice."""

from __future__ import annotations

from datetime import date

from bot.analysis.evidence import Evidence, MarketState, Trend
from bot.words.vocabulary import day, plural

EARNINGS_FLAG_SESSIONS = 10  # an earnings date this many sessions away or closer is flagged
WARNING_SIGN = "⚠"
FOLLOW_THROUGH_RECENT_DAYS = 45  # calendar days a follow-through day is still named in the line

STATE_WORDS = {"uptrend": "uptrend", "under_pressure": "uptrend under pressure", "correction": "in correction"}


def volume_line(ratio: float) -> str:
    """'Volume 0.6x its 50-day average'."""
    return f"Volume {ratio:.1f}x its 50-day average"


def rs_line(rs_high: bool | None, rs_rank: int | None, bench: str = "SPY") -> str | None:
    """'RS line (vs SPY) at a 52-week high · RS rank 87'; either half alone; None without both."""
    parts = []
    if rs_high is not None:
        parts.append(f"RS line (vs {bench}) {'at' if rs_high else 'below'} {'a' if rs_high else 'its'} 52-week high")
    if rs_rank is not None:
        parts.append(f"RS rank {int(rs_rank)}")
    return " · ".join(parts) if parts else None


def trend_line(t: Trend) -> str:
    """'Trend: above the 50- and 200-day; 200-day rising'."""
    side = {True: "above", False: "below"}
    if t.above_200 is None:
        text = f"{side[t.above_50]} the 50-day"
    elif t.above_200 == t.above_50:
        text = f"{side[t.above_50]} the 50- and 200-day"
    else:
        text = f"{side[t.above_50]} the 50-day, {side[t.above_200]} the 200-day"
    if t.rising_200 is not None:
        text += f"; 200-day {'rising' if t.rising_200 else 'not rising'}"
    return f"Trend: {text}"


def market_line(m: MarketState) -> str:
    """'Market (SPY): uptrend · 2 distribution days in 25 sessions', or in a correction the
    rally attempt's day."""
    parts = [f"Market ({m.index}): {STATE_WORDS[m.state]}"]
    if m.state == "correction":
        parts.append(f"rally attempt day {m.rally_day}" if m.rally_day else "no rally attempt yet")
    else:
        if m.follow_through is not None and 0 <= (m.as_of - m.follow_through).days <= FOLLOW_THROUGH_RECENT_DAYS:
            parts.append(f"follow-through day {day(m.follow_through)}")
    parts.append(f"{plural(len(m.distribution_days), 'distribution day')} in 25 sessions")
    return " · ".join(parts)


def earnings_line(when: date, sessions: int | None) -> str:
    """'Earnings 2024-01-25 (in 7 sessions) ⚠': flagged within 10 sessions."""
    text = f"Earnings {day(when)}"
    if sessions is not None:
        text += " (today)" if sessions == 0 else f" (in {plural(sessions, 'session')})"
        if sessions <= EARNINGS_FLAG_SESSIONS:
            text += f" {WARNING_SIGN}"
    return text


def evidence_lines(ev: Evidence, bench: str = "SPY") -> list[str]:
    """One line per part the data supports, in a fixed order."""
    lines: list[str | None] = [
        volume_line(ev.volume_ratio) if ev.volume_ratio is not None else None,
        rs_line(ev.rs_high, ev.rs_rank, bench),
        trend_line(ev.trend) if ev.trend is not None else None,
        market_line(ev.market) if ev.market is not None else None,
        earnings_line(ev.earnings, ev.earnings_sessions) if ev.earnings is not None else None,
    ]
    return [x for x in lines if x]
