"""The words of `market` (the index's state, its chart) and of `alerts market` (a server's index)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.analysis.evidence import MarketState
from bot.errors import echo
from bot.words.evidence import STATE_WORDS
from bot.words.vocabulary import day, long_day, plural, price

INDEX_CHOICES = ("SPY", "QQQ", "IWM")
INDEX_NAMES = {"SPY": "S&P 500", "QQQ": "Nasdaq-100", "IWM": "Russell 2000"}

# The marks on the chart, named the same in its legend.
DISTRIBUTION_MARK = "distribution day"
FOLLOW_THROUGH_MARK = "follow-through day"
SHADE_LABELS = {"under_pressure": "under pressure", "correction": "correction"}


def state_words(state: str) -> str:
    return STATE_WORDS[state]


def headline(m: MarketState) -> str:
    """'Market (SPY): uptrend under pressure'."""
    return f"Market ({m.index}): {state_words(m.state)}"


def _days(days: Sequence[date]) -> str:
    return ", ".join(f"{d:%b} {d.day}" for d in days)


def detail_lines(m: MarketState, *, close: float, average_50: float | None, year_high: float | None) -> list[str]:
    """The report's lines: the count (with its days), the follow-through or the rally attempt,
    where the index closed against its 50-day average and its 52-week closing high."""
    n = len(m.distribution_days)
    count = f"{plural(n, 'distribution day')} in the last 25 sessions"
    lines = [count + (f": {_days(m.distribution_days)}." if n else ".")]
    if m.state == "correction":
        if m.rally_day:
            lines.append(f"Rally attempt: day {m.rally_day}. A follow-through day is day 4 or later, "
                         "up 1.25% or more on higher volume than the day before.")
        else:
            lines.append("No rally attempt yet: day 1 is the first up close after the correction's low.")
    elif m.follow_through is not None:
        lines.append(f"Latest follow-through day: {day(m.follow_through)}.")
    where = [f"{m.index} closed at {price(close)}"]
    if average_50:
        gap = (close / average_50 - 1) * 100
        where.append(f"{abs(gap):.1f}% {'above' if gap >= 0 else 'below'} its 50-day average ({price(average_50)})")
    if year_high:
        off = (close / year_high - 1) * 100
        where.append("at its 52-week closing high" if off >= 0 else f"{-off:.1f}% below its 52-week closing high")
    lines.append(", ".join(where) + ".")
    return lines


# ---------------------------------------------------------------- the chart

def chart_title(m: MarketState) -> str:
    """'SPY · market · uptrend'."""
    return f"{m.index} · market · {state_words(m.state)}"


def chart_subtitle(m: MarketState) -> str:
    """'2 distribution days in 25 sessions · follow-through Nov 10, 2023'."""
    parts = [f"{plural(len(m.distribution_days), 'distribution day')} in 25 sessions"]
    if m.state == "correction":
        parts.append(f"rally attempt day {m.rally_day}" if m.rally_day else "no rally attempt yet")
    elif m.follow_through is not None:
        parts.append(f"follow-through {long_day(m.follow_through)}")
    return " · ".join(parts)


# ---------------------------------------------------------------- `alerts market`

def unknown_index(text: str) -> str:
    choices = ", ".join(INDEX_CHOICES)
    if not text.strip():
        return f"Name the market index: {choices}."
    return f"`{echo(text)}` is not one of the market indexes: say {choices}."


def index_set(index: str) -> str:
    return f"📈 This server follows {index} ({INDEX_NAMES[index]}) as its market: `market` shows its state."


def index_line(index: str) -> str:
    """The `alerts status` line."""
    return f"Market index: {index} ({INDEX_NAMES[index]})."
