"""Sorting typed words into tickers, period and timeframe (shared by prefix and slash paths)."""

from __future__ import annotations

import pytest

from bot.app.arguments import split_tickers_and_period, split_timeframe_and_period, words
from bot.errors import BadArgument, InvalidTicker, TooManyTickers


def test_words_split_on_spaces_and_commas_and_skip_none():
    assert words("IWM, SPY", None, " QQQ  3m ") == ["IWM", "SPY", "QQQ", "3m"]


@pytest.mark.parametrize(
    ("values", "tickers", "period"),
    [
        (["IWM", "SPY", "QQQ", "3m"], ["IWM", "SPY", "QQQ"], "3m"),
        (["IWM", "SPY", "period=1y"], ["IWM", "SPY"], "1y"),
        (["iwm", "$spy", None, None, None, None, "6M"], ["IWM", "SPY"], "6m"),
        (["YTD", "IWM", "SPY"], ["IWM", "SPY"], "ytd"),
        (["IWM", "SPY", "IWM"], ["IWM", "SPY"], "ytd"),
        (["W", "D", "3mo"], ["W", "D"], "3m"),  # one-letter tickers stay tickers in compare
    ],
)
def test_compare_words(values, tickers, period):
    assert split_tickers_and_period(values, minimum=2, maximum=6) == (tickers, period)


@pytest.mark.parametrize(
    ("values", "error", "needle"),
    [
        (["IWM", "SPY", "10y"], BadArgument, "`10y` is not a period"),
        (["IWM", "SPY", "period=10y"], BadArgument, "is not a period"),
        (["IWM", "SPY", "3m", "1y"], BadArgument, "Give one period"),
        (["IWM", "3m"], InvalidTicker, "at least 2"),
        (["A", "B", "C", "D", "E", "F", "G"], TooManyTickers, "At most 6"),
        (["IWM", "S&P"], InvalidTicker, "not a ticker"),
    ],
)
def test_compare_words_rejected(values, error, needle):
    with pytest.raises(error, match=needle):
        split_tickers_and_period(values, minimum=2, maximum=6)


def test_perf_defaults():
    assert split_tickers_and_period([None, None], minimum=1, maximum=12, default_tickers=("SPY", "QQQ")) == (
        ["SPY", "QQQ"], "ytd")
    assert split_tickers_and_period(["1y", None], minimum=1, maximum=12, default_tickers=("SPY",)) == (
        ["SPY"], "1y")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([None, None], ("daily", "1y")),
        (["weekly", "2y"], ("weekly", "2y")),
        (["2y", "w"], ("weekly", "2y")),
        (["6m", None], ("daily", "6m")),
        (["timeframe=weekly", "period=ytd"], ("weekly", "ytd")),
        (["1d", "1m"], ("daily", "1m")),
    ],
)
def test_chart_words(values, expected):
    assert split_timeframe_and_period(values) == expected


@pytest.mark.parametrize("values", [["hourly"], ["daily", "weekly"], ["10y"], ["3m", "1y"]])
def test_chart_words_rejected(values):
    with pytest.raises(BadArgument):
        split_timeframe_and_period(values)
