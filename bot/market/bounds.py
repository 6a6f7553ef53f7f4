"""Which dates the data can answer: a ticker's first and last bar, and date arguments
checked against them, so a date outside the data gets a message naming the data's range
(never "unknown ticker" for a ticker that is known)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.errors import BadArgument, NotEnoughData

# No price source has bars before this; a date argument earlier than it is checked against
# the data before any date arithmetic (which fails near year 1).
EARLIEST_PRICES = date(1900, 1, 1)


@dataclass(frozen=True)
class Span:
    ticker: str
    first: date
    last: date

    def __str__(self) -> str:
        return f"{self.ticker}'s prices run from {self.first} to {self.last}"


def window(start: date | None, end: date | None) -> str:
    if start and end:
        return f"from {start} to {end}" if start != end else f"on {start}"
    if start:
        return f"from {start} on"
    return f"up to {end}" if end else "at all"


def not_in_future(value: date | None, today: date) -> None:
    if value is not None and value > today:
        raise BadArgument(f"{value} is in the future (today is {today} in New York).")


def bound_as_of(spans: Sequence[Span], as_of: date) -> date:
    """``as_of``, or the newest bar when ``as_of`` is after every ticker's data (the answer
    then says which day it is from). A date before a ticker's first bar is NotEnoughData."""
    for span in spans:
        if as_of < span.first:
            raise NotEnoughData(f"No {span.ticker} prices on or before {as_of}: {span}.")
    return min(as_of, max(span.last for span in spans))


def bound_range(span: Span, start: date | None, end: date | None) -> tuple[date, date]:
    """``start..end`` cut to the data; NotEnoughData when they do not overlap it."""
    lo = span.first if start is None else max(start, span.first)
    hi = span.last if end is None else min(end, span.last)
    if lo > hi:
        raise NotEnoughData(f"No {span.ticker} prices {window(start, end)}: {span}.")
    return lo, hi


def check_period_start(spans: Sequence[Span], anchor: date, period: str) -> None:
    """A period return needs a close on or before its anchor date."""
    for span in spans:
        if anchor < span.first:
            raise NotEnoughData(f"The {period} return needs a {span.ticker} close on or before {anchor}: {span}.")
