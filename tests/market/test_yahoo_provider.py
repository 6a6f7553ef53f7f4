"""The Yahoo provider's failure modes, with yf.download replaced by fakes (no network)."""

import logging
import threading
from datetime import date

import pandas as pd
import pytest
from fakes import synthetic_daily

from bot.errors import DataSourceError, DataTimeout, RateLimited
from bot.market.yahoo import YahooProvider


def yahoo_frame(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """What yf.download(group_by="ticker", multi_level_index=True) returns."""
    out = {}
    for sym, df in frames.items():
        df = df.copy()
        df["Adj Close"] = df["Close"]
        out[sym] = df
    return pd.concat(out, axis=1, names=["Ticker", "Price"])


async def test_batches_and_parses_with_auto_adjust_off():
    seen = {}

    def download(**kwargs):
        seen.update(kwargs)
        return yahoo_frame({"IWM": synthetic_daily(), "BRK-B": synthetic_daily(seed=3)})

    got = await YahooProvider(download=download).fetch(["IWM", "BRK.B"], date(2023, 1, 2), date(2023, 12, 29))
    assert seen["auto_adjust"] is False
    assert sorted(seen["tickers"]) == ["BRK-B", "IWM"]  # one call for both, Yahoo spelling
    assert seen["end"] == "2023-12-30"  # Yahoo's end is exclusive
    assert set(got) == {"IWM", "BRK.B"}
    assert list(got["IWM"].columns[:5]) == ["Open", "High", "Low", "Close", "Volume"]


async def test_empty_frame_means_no_data_not_a_crash():
    def download(**kwargs):
        logging.getLogger("yfinance").error("['ZZZZ']: possibly delisted; no price data found")
        return pd.DataFrame()

    assert await YahooProvider(download=download).fetch(["ZZZZ"]) == {}


async def test_empty_frame_with_network_errors_is_source_down():
    def download(**kwargs):
        logging.getLogger("yfinance").error("['IWM']: ConnectionError('Failed to perform, curl: (6)')")
        return pd.DataFrame()

    with pytest.raises(DataSourceError, match="not answering"):
        await YahooProvider(download=download, attempts=1).fetch(["IWM"])


async def test_exception_becomes_domain_error_after_retry():
    calls = []

    def download(**kwargs):
        calls.append(1)
        raise OSError("curl: (7) connection refused")

    with pytest.raises(DataSourceError, match="OSError"):
        await YahooProvider(download=download, attempts=2).fetch(["IWM"])
    assert len(calls) == 2  # tenacity retried once


async def test_rate_limit_is_recognised_and_not_retried():
    from yfinance.exceptions import YFRateLimitError

    calls = []

    def download(**kwargs):
        calls.append(1)
        raise YFRateLimitError()

    with pytest.raises(RateLimited):
        await YahooProvider(download=download, attempts=3).fetch(["IWM"])
    assert len(calls) == 1


async def test_swallowed_rate_limit_in_log_is_recognised():
    def download(**kwargs):
        logging.getLogger("yfinance").error("['IWM']: YFRateLimitError('Too Many Requests. Rate limited.')")
        return pd.DataFrame()

    with pytest.raises(RateLimited):
        await YahooProvider(download=download).fetch(["IWM"])


async def test_a_call_that_never_returns_is_bounded():
    release = threading.Event()

    def download(**kwargs):
        release.wait(30)  # a stalled network: yfinance would hang ~130 s
        return pd.DataFrame()

    try:
        with pytest.raises(DataTimeout, match="did not answer"):
            await YahooProvider(download=download, timeout=0.3).fetch(["IWM"])
    finally:
        release.set()
