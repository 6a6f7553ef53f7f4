"""What every report says the same way: the data footer, the stale-data note, the CLI summary's
lines; and the headline of a plain price chart (``chart TICKER``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.words.vocabulary import day, pct, price


def lines(headline: str, fields: list[tuple[str, str]], footer: str) -> str:
    """The CLI summary: the headline, one 'name: value' line per field, the footer."""
    body = "\n".join(f"{name}: {value}" for name, value in fields)
    return f"{headline}\n{body}\n{footer}"


def data_footer(data_date: date, source: str, stale: bool) -> str:
    text = f"Data as of {day(data_date)} ({source})"
    if stale:
        text += " — the data source is unavailable, showing cached data"
    return text


def ends_earlier(last_dates: Mapping[str, date]) -> str:
    """'Prices of XLC, XLK end on 2025-09-25, before SPY's (2025-09-26).' ('' when every
    ticker's prices end on the same day)."""
    if not last_dates:
        return ""
    latest = max(last_dates.values())
    groups: dict[date, list[str]] = {}
    for ticker, last in sorted(last_dates.items()):
        if last < latest:
            groups.setdefault(last, []).append(ticker)
    if not groups:
        return ""
    parts = [f"{', '.join(names)} end on {day(d)}" for d, names in sorted(groups.items())]
    rest = sorted(t for t, last in last_dates.items() if last == latest)
    others = f"{', '.join(rest)}'s" if len(rest) <= 3 else "the others'"
    return f"Prices of {'; '.join(parts)}, before {others} ({day(latest)})."


def range_cut(ticker: str, asked_start: date | None, asked_end: date | None, start: date, end: date,
              doing: str = "replaying") -> str:
    """'IWM's prices start 2000-05-26: replaying from there.' when ``--from``/``--to`` reach past the
    data and were cut to it ('' when they were not)."""
    early = asked_start is not None and asked_start < start
    late = asked_end is not None and asked_end > end
    if early and late:
        return f"{ticker}'s prices run from {day(start)} to {day(end)}: {doing} over that."
    if early:
        return f"{ticker}'s prices start {day(start)}: {doing} from there."
    if late:
        return f"{ticker}'s prices end {day(end)}: {doing} to there."
    return ""


def stale_note(data_date: date) -> str:
    """The first line of an embed built on cached data."""
    return f"⚠️ The data source is unavailable right now: this uses cached data up to {day(data_date)}."


def price_headline(ticker: str, timeframe: str, period: str, last: float, change: float | None) -> str:
    """'IWM · daily · 1Y: 204.10 (+12.3%)'."""
    return f"{ticker} · {timeframe} · {period.upper()}: {price(last)} ({pct(change)})"


def chart_written(path: str) -> str:
    return f"Chart written to {path}"
