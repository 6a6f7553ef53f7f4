"""Prices for a universe: one yf.download per chunk, partial results when some chunks fail or
the time budget runs out, the missing tickers named (yf.download replaced by fakes)."""

from __future__ import annotations

import threading
from datetime import date

import pandas as pd
import pytest
from fakes import synthetic_daily

import bot.market.yahoo as yahoo
from bot.errors import DataSourceError, DataTimeout, RateLimited
from bot.market.service import MarketData
from bot.market.yahoo import YahooProvider
from bot.services.setups import SetupsService

TICKERS = ["AAA", "BBB", "CCC", "DDD", "EEE"]


def yahoo_frame(symbols) -> pd.DataFrame:
    out = {}
    for k, sym in enumerate(symbols):
        df = synthetic_daily(seed=k + 1)
        df["Adj Close"] = df["Close"]
        out[sym] = df
    return pd.concat(out, axis=1, names=["Ticker", "Price"])


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    monkeypatch.setattr(yahoo, "BATCH_SIZE", 2)  # chunks: AAA BBB | CCC DDD | EEE


def chunked(fail_on: str, error: BaseException, calls: list):
    def download(**kwargs):
        symbols = list(kwargs["tickers"])
        calls.append(symbols)
        if fail_on in symbols:
            raise error
        return yahoo_frame(symbols)

    return download


async def test_one_failing_chunk_leaves_the_others():
    calls: list = []
    got = await YahooProvider(download=chunked("CCC", OSError("connection reset"), calls), attempts=1).fetch(TICKERS)
    assert calls == [["AAA", "BBB"], ["CCC", "DDD"], ["EEE"]]  # one request per chunk
    assert set(got) == {"AAA", "BBB", "EEE"}
    assert set(got.unavailable) == {"CCC", "DDD"}
    assert all(isinstance(e, DataSourceError) for e in got.unavailable.values())


async def test_rate_limit_stops_the_later_chunks():
    from yfinance.exceptions import YFRateLimitError

    calls: list = []
    got = await YahooProvider(download=chunked("CCC", YFRateLimitError(), calls), attempts=3).fetch(TICKERS)
    assert calls == [["AAA", "BBB"], ["CCC", "DDD"]]  # not retried, and EEE not asked
    assert set(got) == {"AAA", "BBB"} and set(got.unavailable) == {"CCC", "DDD", "EEE"}
    assert all(isinstance(e, RateLimited) for e in got.unavailable.values())


async def test_the_time_budget_returns_what_arrived():
    release = threading.Event()

    def download(**kwargs):
        symbols = list(kwargs["tickers"])
        if "CCC" in symbols:
            release.wait(30)  # a stalled chunk
        return yahoo_frame(symbols)

    try:
        got = await YahooProvider(download=download, timeout=0.5, attempts=1).fetch(TICKERS)
    finally:
        release.set()
    assert set(got) == {"AAA", "BBB"}
    assert set(got.unavailable) == {"CCC", "DDD", "EEE"}
    assert all(isinstance(e, DataTimeout) for e in got.unavailable.values())


async def test_nothing_at_all_is_still_an_error():
    calls: list = []
    with pytest.raises(DataSourceError):
        await YahooProvider(download=chunked("AAA", OSError("down"), calls), attempts=1).fetch(["AAA", "BBB"])


async def test_a_screen_names_the_tickers_the_source_failed_on():
    calls: list = []
    market = MarketData(YahooProvider(download=chunked("CCC", OSError("connection reset"), calls), attempts=1))
    market.today = lambda: date(2024, 6, 28)
    report = await SetupsService(market).report(tickers=TICKERS, as_of="2024-06-28", render=False)
    assert set(report.missing) == {"CCC", "DDD"}
    assert report.screened == 3
    assert "CCC" in report.missing_note and "DDD" in report.missing_note
