"""The intraday fetch against a fake ``yf.download`` returning the shapes yfinance documents:
multi-index columns for several tickers (grouped by ticker, or by field), one ticker's flat
columns, an empty frame, a download that hangs past the time bound, one that raises."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

import bot.market.yahoo_intraday as yi
from bot.errors import DataTimeout, RateLimited
from bot.market.calendar import NEW_YORK
from bot.market.yahoo_intraday import YahooIntraday, split_intraday

FIELDS = ["Open", "High", "Low", "Close", "Volume"]


def bars(price: float, n: int = 12) -> pd.DataFrame:
    idx = pd.date_range("2024-07-12 13:30", periods=n, freq="5min", tz="UTC", name="Datetime")
    close = price + np.arange(n) * 0.1
    return pd.DataFrame({"Open": close - 0.05, "High": close + 0.1, "Low": close - 0.1, "Close": close,
                         "Volume": np.full(n, 1000.0)}, index=idx)


def by_ticker(symbols) -> pd.DataFrame:
    return pd.concat({s: bars(100 + 10 * k) for k, s in enumerate(symbols)}, axis=1, names=["Ticker", "Price"])


def by_field(symbols) -> pd.DataFrame:
    return by_ticker(symbols).swaplevel(0, 1, axis=1).sort_index(axis=1)


@pytest.mark.parametrize("shape", [by_ticker, by_field])
def test_multi_index_columns_of_several_tickers(shape):
    got = split_intraday(shape(["AAA", "BBB"]), ["AAA", "BBB", "CCC"])
    assert set(got) == {"AAA", "BBB"}
    assert got["BBB"]["Close"].iloc[-1] == pytest.approx(110 + 1.1)
    assert str(got["AAA"].index.tz) == "America/New_York" and got["AAA"].index[0].hour == 9


async def test_fetch_batches_of_50_and_quotes_with_their_own_time(monkeypatch):
    calls = []

    def download(**kwargs):
        calls.append(kwargs)
        return by_ticker(kwargs["tickers"])

    tickers = [f"T{i:03d}" for i in range(120)]
    got = await YahooIntraday(download=download).fetch(tickers)
    assert [len(c["tickers"]) for c in calls] == [50, 50, 20]
    assert all(c["interval"] == "5m" and c["period"] == "1d" and c["auto_adjust"] is False for c in calls)
    assert set(got.bars) == set(tickers) and not got.unavailable
    fetched = pd.Timestamp("2024-07-12 14:30:00", tz="UTC")
    price, at = got.quote("T000", fetched)
    assert price == pytest.approx(101.1) and at == pd.Timestamp("2024-07-12 10:30", tz=NEW_YORK)
    _, live = got.quote("T000", pd.Timestamp("2024-07-12 14:27:30", tz="UTC"))  # the last bar still trading
    assert live == pd.Timestamp("2024-07-12 10:27:30", tz=NEW_YORK)


async def test_an_empty_frame_is_no_quote_and_no_error():
    got = await YahooIntraday(download=lambda **kw: pd.DataFrame()).fetch(["AAA", "BBB"])
    assert got.bars == {} and got.unavailable == {}
    assert got.quote("AAA", pd.Timestamp("2024-07-12 14:30", tz="UTC")) is None


async def test_a_hanging_download_is_cut_at_the_time_bound(caplog):
    """The fetch answers at its bound while the download still hangs (it returns only when the
    test lets it go, which also frees the download lock for the tests after this one)."""
    let_go, returned = threading.Event(), threading.Event()

    def hang(**kwargs):
        let_go.wait(30)
        returned.set()
        return by_ticker(kwargs["tickers"])

    source = YahooIntraday(download=hang, timeout=0.3, attempts=1)
    try:
        got = await source.fetch(["AAA", "BBB"])
        assert not returned.is_set()  # cut at the bound, not after the download
        assert got.bars == {} and set(got.unavailable) == {"AAA", "BBB"}
        assert all(isinstance(e, DataTimeout) for e in got.unavailable.values())
        await source.fetch(["AAA", "BBB"])  # the next round times out too: not said again that day
        assert not returned.is_set()
    finally:
        let_go.set()
    warned = [r for r in caplog.records if "not fetched" in r.getMessage() and r.levelname == "WARNING"]
    assert len(warned) == 1


async def test_a_failing_chunk_is_retried_and_a_rate_limit_stops_the_round(monkeypatch):
    monkeypatch.setattr(yi, "BATCH_SIZE", 2)
    attempts = []

    def flaky(**kwargs):
        attempts.append(list(kwargs["tickers"]))
        if len(attempts) == 1:
            raise OSError("connection reset")
        return by_ticker(kwargs["tickers"])

    got = await YahooIntraday(download=flaky, attempts=2).fetch(["AAA", "BBB", "CCC"])
    assert attempts[0] == attempts[1] == ["AAA", "BBB"] and set(got.bars) == {"AAA", "BBB", "CCC"}

    def limited(**kwargs):
        if "CCC" in kwargs["tickers"]:
            raise RuntimeError("Too Many Requests. Rate limited.")
        return by_ticker(kwargs["tickers"])

    got = await YahooIntraday(download=limited, attempts=3).fetch(["AAA", "BBB", "CCC", "DDD", "EEE"])
    assert set(got.bars) == {"AAA", "BBB"}
    assert set(got.unavailable) == {"CCC", "DDD", "EEE"}
    assert all(isinstance(e, RateLimited) for e in got.unavailable.values())


async def test_a_data_folder_gives_the_sessions_bars_ended_by_the_clock(tmp_path):
    from datetime import datetime, timezone

    from bot.market.intraday_file import IntradayFiles

    idx = pd.date_range("2024-03-04 09:30", periods=10, freq="5min")
    frame = pd.DataFrame({"Datetime": idx.strftime("%Y-%m-%d %H:%M:%S"), "Open": 1.0, "High": 1.0, "Low": 1.0,
                          "Close": [float(i + 1) for i in range(10)], "Volume": 10})
    frame.to_csv(tmp_path / "IWM.5m.csv", index=False)
    (tmp_path / "BAD.5m.csv").write_text("nonsense\n")
    clock = lambda: datetime(2024, 3, 4, 15, 0, tzinfo=timezone.utc)  # noqa: E731 - 10:00 New York
    batch = await IntradayFiles(tmp_path, clock=clock).fetch(["IWM", "BAD", "NOF"])
    assert list(batch.bars) == ["IWM"]
    assert batch.bars["IWM"]["Close"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]  # 09:30..09:55 have ended
