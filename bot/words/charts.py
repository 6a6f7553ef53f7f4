"""The words on the charts: titles, subtitles, the "as of" corner, price tags, legend labels and
event markers. The chart code (:mod:`bot.charts`) draws; it takes every string from here.
Axis tick numbers are the charts' own (formatting, not words)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.analysis.models import BaseResult
from bot.words.base import base_reason
from bot.words.vocabulary import STATUS_WORDS, long_day, pct, plural, price

# The label of an event's marker on the chart of an announcement.
MARKER_LABELS = {"breakout": "Breakout", "failed": "Failed", "faded": "Faded", "busted": "Busted", "testing": "Test"}


def marker_label(kind: str) -> str:
    return MARKER_LABELS.get(kind, kind.title())


def as_of(d: date) -> str:
    """'as of Dec 15, 2023' (the title's right corner; a date or a pandas Timestamp)."""
    return f"as of {long_day(d)}"


def price_tag(level: float) -> str:
    """The tag of a price on the right edge: '201.99'."""
    return price(level)


def resistance_tag(level: float) -> str:
    return f"R {price(level)}"


def support_tag(level: float) -> str:
    return f"S {price(level)}"


def major_tag(level: float) -> str:
    return f"Major {price(level)}"


def buy_range_tag(top: float) -> str:
    """The top of the buy range band (it starts at the breakout line): 'Buy ≤ 213.15'."""
    return f"Buy ≤ {price(top)}"


def invalidation_tag(level: float) -> str:
    """The invalidation line: 'Fails < 197.74'."""
    return f"Fails < {price(level)}"


# ---------------------------------------------------------------- `base`

def base_title(ticker: str, timeframe: str, status: str) -> str:
    """'IWM · weekly · testing resistance'."""
    return f"{ticker} · {timeframe} · {STATUS_WORDS.get(status, status.replace('_', ' '))}"


def base_subtitle(base: BaseResult, has_levels: bool) -> str:
    """'4 tests of 199.26 · 88 weeks · 18% deep (consolidation) · close -1.1% vs resistance'; with a
    major base its level and distance instead of the type; with no base, why (see base_reason)."""
    if not has_levels:
        return base_reason(base) or "no base found in this window"
    k = len(base.tests)
    resistance, _ = base.base_levels()
    parts = [f"{plural(k, 'test')} of {price(resistance.level)}" if k else None]
    if base.weeks is not None:
        parts.append(f"{base.weeks:.0f} weeks")
    m = base.major
    if base.depth_pct is not None:  # the type in words only when there is room (no major base)
        parts.append(f"{base.depth_pct:.0f}% deep" + (f" ({base.base_type})" if base.base_type and m is None else ""))
    if base.distance_pct is not None:
        parts.append(f"close {pct(base.distance_pct)}" + (" vs resistance" if m is None else ""))
    if m is not None:  # drawn as a dashed line when it fits the chart, named here always
        major, _ = m.base_levels()
        away = (major.level / m.last_close - 1) * 100
        parts.append(f"major {price(major.level)} {abs(away):.1f}% {'above' if away >= 0 else 'below'}")
    return " · ".join(p for p in parts if p)


# ---------------------------------------------------------------- `chart`

def price_title(ticker: str, timeframe: str) -> str:
    return f"{ticker} · {timeframe}"


def price_subtitle(last: float, previous: float | None, first: float | None, first_day: date, timeframe: str) -> str:
    """'last 204.10 · +1.25% on the day · +12.3% since Jan 3, 2023'. ``previous`` is the bar
    before the last (None or 0: left out), ``first`` the first close shown (0: left out)."""
    sub = f"last {price(last)}"
    if previous:
        sub += f" · {pct((last / previous - 1) * 100, digits=2)} on the {'week' if timeframe == 'weekly' else 'day'}"
    if first:
        sub += f" · {pct((last / first - 1) * 100)} since {long_day(first_day)}"
    return sub


def moving_average_label(window: int, last: float | None) -> str:
    """'MA50 201.12', or 'MA50' while the average has no value on the last bar."""
    return f"MA{window} {price(last)}" if last is not None else f"MA{window}"


# ---------------------------------------------------------------- `compare`

def compare_title(tickers: Sequence[str], period: str) -> str:
    """'IWM vs SPY · 1Y', or '5 tickers · YTD' from five on (the period written as the text writes it)."""
    title = " vs ".join(tickers) if len(tickers) <= 4 else f"{len(tickers)} tickers"
    return f"{title} · {period.upper()}"


def compare_subtitle(start: date, end: date) -> str:
    return f"% change from {long_day(start)} to {long_day(end)}"


COMPARE_CORNER = "relative performance"


def return_tag(change: float) -> str:
    """'+12.3%': a ticker's return on the right edge."""
    return pct(change)


def return_label(ticker: str, change: float) -> str:
    """'IWM +12.3%': a ticker in the legend."""
    return f"{ticker} {return_tag(change)}"


def ratio_label(tickers: Sequence[str], last: float) -> str:
    """'IWM / SPY  0.955': the ratio panel's label."""
    name = f"{tickers[0]} / {tickers[1]}" if len(tickers) >= 2 else "ratio"
    return f"{name}  {last:.3f}"
