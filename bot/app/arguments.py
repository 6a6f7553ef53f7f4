"""Sorting the words a user typed into tickers, a period and a timeframe.

The prefix path hands the cogs loose words (``!compare IWM SPY QQQ 3m``,
``!compare IWM SPY period=3m``, ``!chart IWM 6m``); the slash path hands named options.
Both go through these functions so they accept the same things. Pure: no discord here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.dates import PERIODS, parse_period, parse_timeframe
from bot.errors import BadArgument, echo
from bot.tickers import normalize_tickers

# Words that are clearly meant as a period even when we do not support them ("10y", "2w").
_PERIOD_LIKE = re.compile(r"^(period=.*|\d+\s*(d|w|wk|m|mo|mos|y|yr|yrs)|ytd|mtd|qtd)$", re.IGNORECASE)
_TIMEFRAME_LIKE = re.compile(r"^(timeframe=|tf=).*", re.IGNORECASE)


def words(*values: str | None) -> list[str]:
    """Split option values on whitespace and commas, dropping empties and Nones."""
    out: list[str] = []
    for value in values:
        if value:
            out.extend(w for w in re.split(r"[\s,]+", str(value)) if w)
    return out


def is_period_word(word: str) -> bool:
    try:
        parse_period(word)
    except BadArgument:
        return bool(_PERIOD_LIKE.match(word.strip()))
    return True


def is_timeframe_word(word: str) -> bool:
    try:
        parse_timeframe(word)
    except BadArgument:
        return bool(_TIMEFRAME_LIKE.match(word.strip()))
    return True


def _one_period(found: list[str], default: str) -> str:
    if len(found) > 1:
        raise BadArgument(f"Give one period, not {len(found)} ({', '.join(echo(f, 10) for f in found)}).")
    return parse_period(found[0]) if found else default


def split_tickers_and_period(
    values: Iterable[str | None], *, minimum: int, maximum: int, default_period: str = "ytd",
    default_tickers: Iterable[str] = (),
) -> tuple[list[str], str]:
    """Words -> (normalised tickers, canonical period). Raises a BreakoutError on bad input."""
    tickers: list[str] = []
    periods: list[str] = []
    for word in words(*values):
        (periods if is_period_word(word) else tickers).append(word)
    period = _one_period(periods, default_period)
    if not tickers:
        tickers = list(default_tickers)
    return normalize_tickers(tickers, minimum=minimum, maximum=maximum), period


def split_timeframe_and_period(
    values: Iterable[str | None], *, default_timeframe: str = "daily", default_period: str = "1y"
) -> tuple[str, str]:
    """The optional words after ``chart TICKER`` -> (timeframe, period), in either order."""
    timeframes: list[str] = []
    periods: list[str] = []
    for word in words(*values):
        if is_timeframe_word(word):
            timeframes.append(word)
        elif is_period_word(word):
            periods.append(word)
        else:
            raise BadArgument(
                f"`{echo(word)}` is neither a timeframe (weekly, daily) nor a period ({', '.join(PERIODS)})."
            )
    if len(timeframes) > 1:
        raise BadArgument("Give one timeframe: weekly or daily.")
    timeframe = parse_timeframe(timeframes[0]) if timeframes else default_timeframe
    return timeframe, _one_period(periods, default_period)
