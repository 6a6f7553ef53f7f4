"""Parsing user-supplied dates, timeframes and periods (the words for them; the maths of a
period is in :mod:`bot.analysis.performance`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import overload

from bot.errors import BadArgument, echo

PERIODS: tuple[str, ...] = ("ytd", "1m", "3m", "6m", "1y", "2y", "5y")
_ALIASES = {"1mo": "1m", "3mo": "3m", "6mo": "6m", "12m": "1y", "12mo": "1y", "24m": "2y", "60m": "5y"}
TIMEFRAMES = ("weekly", "daily")
_TIMEFRAME_ALIASES = {"w": "weekly", "week": "weekly", "1w": "weekly", "wk": "weekly",
                      "d": "daily", "day": "daily", "1d": "daily"}


@overload
def parse_date(value: str | date) -> date: ...
@overload
def parse_date(value: None) -> None: ...
def parse_date(value: str | date | None) -> date | None:
    """ISO date text (``2023-12-15``) or a date -> date; None stays None."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = str(value).strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadArgument(f"`{echo(text)}` is not a date. Use YYYY-MM-DD, like 2023-12-15.") from None


def parse_timeframe(value: str | None) -> str:
    """``weekly``/``daily`` (or w/d/week/day) -> canonical timeframe; else BadArgument."""
    raw = (value or "weekly").strip().lower()
    if raw.startswith("timeframe="):
        raw = raw[len("timeframe="):]
    raw = _TIMEFRAME_ALIASES.get(raw, raw)
    if raw not in TIMEFRAMES:
        raise BadArgument(f"`{echo(value)}` is not a timeframe. Use weekly or daily.")
    return raw


def parse_period_text(value: str | None) -> str:
    """Like ``parse_period`` (None means the default, YTD), but text that is blank is a
    mistake to point out, not a silent YTD."""
    if value is not None and not str(value).strip():
        raise BadArgument(f"The period is empty. Use one of: {', '.join(PERIODS)}.")
    return parse_period(value)


def parse_period(text: str | None) -> str:
    """``"YTD"``, ``"period=3m"``, ``"3mo"`` -> canonical period; anything else raises BadArgument."""
    raw = (text or "ytd").strip().lower()
    if raw.startswith("period="):
        raw = raw[len("period="):]
    raw = _ALIASES.get(raw, raw)
    if raw not in PERIODS:
        shown = echo(text)
        raise BadArgument(f"`{shown}` is not a period. Use one of: {', '.join(PERIODS)}.")
    return raw
