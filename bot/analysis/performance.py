"""Period returns and relative performance. Pure pandas; every function takes an ``as_of``."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.analysis.models import Comparison
from bot.dates import parse_period
from bot.errors import BadArgument, NotEnoughData

_OFFSETS = {
    "1m": pd.DateOffset(months=1),
    "3m": pd.DateOffset(months=3),
    "6m": pd.DateOffset(months=6),
    "1y": pd.DateOffset(years=1),
    "2y": pd.DateOffset(years=2),
    "5y": pd.DateOffset(years=5),
}


def period_anchor(period: str, as_of: date | pd.Timestamp) -> pd.Timestamp:
    """The calendar date whose close is the base of the period return.

    YTD is measured from the last close of the previous year; the others from the last
    close on or before ``as_of`` minus the period.
    """
    as_of = pd.Timestamp(as_of).normalize()
    if period == "ytd":
        return pd.Timestamp(year=as_of.year - 1, month=12, day=31)
    return as_of - _OFFSETS[period]


def _base_index(index: pd.Index, anchor: pd.Timestamp) -> int:
    pos = int(index.searchsorted(anchor, side="right")) - 1
    if pos < 0:
        raise NotEnoughData("Not enough price history for that period.")
    return pos


def period_return(close: pd.Series, period: str, as_of: date | None = None) -> float:
    """Percent change of ``close`` over ``period`` ending at ``as_of`` (e.g. 23.42)."""
    period = parse_period(period)
    close = close.dropna()
    if as_of is not None:
        close = close[close.index <= pd.Timestamp(as_of)]
    if close.empty:
        raise NotEnoughData("No prices on or before that date.")
    end = close.index[-1]
    pos = _base_index(close.index, period_anchor(period, end))
    return (float(close.iloc[-1]) / float(close.iloc[pos]) - 1.0) * 100.0


def compare(closes: dict[str, pd.Series], period: str, as_of: date | None = None) -> Comparison:
    """Relative performance of several close series over ``period`` up to ``as_of``.

    Series are aligned on the dates they share; each is normalised to 1.0 at the period's
    base close. The ratio is the first ticker over the second, normalised to 1.0.
    """
    period = parse_period(period)
    if not closes:
        raise BadArgument("Give at least one ticker.")
    frame = pd.concat({t: s.dropna() for t, s in closes.items()}, axis=1, join="inner").sort_index()
    if as_of is not None:
        frame = frame[frame.index <= pd.Timestamp(as_of)]
    if frame.empty:
        raise NotEnoughData("These tickers share no trading days in that range.")
    end = frame.index[-1]
    pos = _base_index(frame.index, period_anchor(period, end))
    window = frame.iloc[pos:]
    if len(window) < 2:
        raise NotEnoughData("Not enough shared price history for that period.")
    normalized = window / window.iloc[0]
    returns = {t: (float(normalized[t].iloc[-1]) - 1.0) * 100.0 for t in normalized.columns}
    tickers = tuple(closes.keys())
    ratio = None
    if len(tickers) >= 2:
        ratio = (normalized[tickers[0]] / normalized[tickers[1]]).rename(f"{tickers[0]}/{tickers[1]}")
    return Comparison(
        period=period,
        start=window.index[0].date(),
        end=end.date(),
        tickers=tickers,
        returns=returns,
        normalized=normalized,
        ratio=ratio,
    )
