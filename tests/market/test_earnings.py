"""Earnings dates offline: the CSV twin (synthetic files), Yahoo through a fake lookup (its
cache, its time bound, its failures), and the session count via the NYSE calendar."""

import asyncio
import logging
import threading
from datetime import date, datetime

import pytest

from bot.market.earnings import (
    CsvEarnings,
    YahooEarnings,
    build_earnings,
    earnings_for,
    read_earnings_csv,
    sessions_until,
)


def test_sessions_until_counts_nyse_sessions():
    # 2023-12-22 (Fri) -> 2024-01-02: the 26th, 27th, 28th, 29th and 2nd (Christmas and New Year closed)
    assert sessions_until(date(2023, 12, 22), date(2024, 1, 2)) == 5
    assert sessions_until(date(2024, 1, 16), date(2024, 1, 25)) == 7
    assert sessions_until(date(2024, 1, 25), date(2024, 1, 25)) == 0
    assert sessions_until(date(2024, 1, 26), date(2024, 1, 25)) == 0
    assert sessions_until(date(2024, 1, 26), date(2024, 1, 28)) == 0  # a Sunday report: no session before it


def _write(tmp_path, text):
    (tmp_path / "earnings.csv").write_text(text)
    return CsvEarnings(tmp_path)


async def test_csv_gives_the_first_date_on_or_after(tmp_path):
    src = _write(tmp_path, "ticker,date\nAAPL,2024-02-01\naapl,2023-11-02\nAAPL,2024-05-02\nMSFT,2024-01-30\nBRK-B,2024-02-24\n")
    assert await src.next_earnings("AAPL", date(2023, 12, 26)) == date(2024, 2, 1)
    assert await src.next_earnings("AAPL", date(2024, 2, 1)) == date(2024, 2, 1)
    assert await src.next_earnings("AAPL", date(2024, 2, 2)) == date(2024, 5, 2)
    assert await src.next_earnings("AAPL", date(2024, 5, 3)) is None
    assert await src.next_earnings("BRK.B", date(2024, 1, 1)) == date(2024, 2, 24)
    assert await src.next_earnings("NVDA", date(2024, 1, 1)) is None


async def test_csv_absent_or_changed(tmp_path):
    src = CsvEarnings(tmp_path)
    assert await src.next_earnings("AAPL", date(2024, 1, 1)) is None
    (tmp_path / "earnings.csv").write_text("AAPL,2024-02-01\n")  # no header is fine
    assert await src.next_earnings("AAPL", date(2024, 1, 1)) == date(2024, 2, 1)
    (tmp_path / "earnings.csv").write_text("AAPL,2024-01-25\nAAPL,2024-04-25\n")
    assert await src.next_earnings("AAPL", date(2024, 1, 1)) == date(2024, 1, 25)


def test_bad_rows_are_skipped_with_one_log_line(tmp_path, caplog):
    (tmp_path / "earnings.csv").write_text("ticker,date\nAAPL,2024-02-01\nAAPL,next week\nMSFT\n,\n,2024-01-02\nMSFT,2024-01-30\n")
    with caplog.at_level(logging.WARNING, logger="bot.market.earnings"):
        table = read_earnings_csv(tmp_path / "earnings.csv")
    assert table == {"AAPL": (date(2024, 2, 1),), "MSFT": (date(2024, 1, 30),)}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "3 row(s) skipped" in warnings[0].getMessage()


async def test_etfs_have_none(tmp_path):
    src = _write(tmp_path, "SPY,2024-02-01\nAAPL,2024-02-01\n")
    assert await earnings_for(src, "SPY", date(2024, 1, 16)) == (None, None)
    assert await earnings_for(src, "AAPL", date(2024, 1, 16)) == (date(2024, 2, 1), 12)
    assert await earnings_for(None, "AAPL", date(2024, 1, 16)) == (None, None)


class FakeYahoo:
    def __init__(self, answer=None, error=None, block=None):
        self.calls: list[str] = []
        self.answer = answer if answer is not None else [date(2024, 1, 25), date(2024, 1, 29)]
        self.error = error
        self.block = block

    def __call__(self, symbol):
        self.calls.append(symbol)
        if self.block is not None:
            self.block.wait(5)
        if self.error is not None:
            raise self.error
        return self.answer


class Day:
    def __init__(self, d):
        self.d = d

    def __call__(self):
        return self.d


async def test_yahoo_is_asked_once_a_day():
    fake, today = FakeYahoo(), Day(date(2024, 1, 16))
    src = YahooEarnings(lookup=fake, today=today)
    assert await src.next_earnings("AAPL", date(2024, 1, 16)) == date(2024, 1, 25)
    assert await src.next_earnings("aapl", date(2024, 1, 26)) == date(2024, 1, 29)
    assert fake.calls == ["AAPL"]
    today.d = date(2024, 1, 17)
    assert await src.next_earnings("AAPL", date(2024, 1, 17)) == date(2024, 1, 25)
    assert fake.calls == ["AAPL", "AAPL"]
    assert await src.next_earnings("BRK.B", date(2024, 1, 17)) == date(2024, 1, 25)
    assert fake.calls[-1] == "BRK-B"  # Yahoo's spelling


async def test_yahoo_skips_etfs_and_the_past():
    fake = FakeYahoo()
    src = YahooEarnings(lookup=fake, today=Day(date(2024, 1, 16)))
    assert await src.next_earnings("QQQ", date(2024, 1, 16)) is None
    assert await src.next_earnings("AAPL", date(2023, 6, 1)) is None  # Yahoo knows only the upcoming report
    assert fake.calls == []
    assert await src.next_earnings("AAPL", date(2024, 1, 11)) == date(2024, 1, 25)


async def test_yahoo_is_bounded_in_time_and_a_failure_is_kept_for_an_hour(caplog):
    release = threading.Event()
    fake = FakeYahoo(block=release)
    now = [0.0]
    src = YahooEarnings(lookup=fake, today=Day(date(2024, 1, 16)), timeout=0.2, clock=lambda: now[0])
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    with caplog.at_level(logging.WARNING, logger="bot.market.earnings"):
        assert await src.next_earnings("AAPL", date(2024, 1, 16)) is None
    assert loop.time() - t0 < 2.0
    assert "no answer within" in caplog.text
    release.set()
    assert await src.next_earnings("AAPL", date(2024, 1, 16)) is None  # not asked again yet
    assert fake.calls == ["AAPL"]
    now[0] = 3601.0
    fake.block = None
    assert await src.next_earnings("AAPL", date(2024, 1, 16)) == date(2024, 1, 25)
    assert fake.calls == ["AAPL", "AAPL"]


@pytest.mark.parametrize("error", [OSError("curl: could not resolve host"), ValueError("bad json"), KeyError("x")])
async def test_yahoo_errors_are_no_date(error, caplog):
    src = YahooEarnings(lookup=FakeYahoo(error=error), today=Day(date(2024, 1, 16)))
    with caplog.at_level(logging.WARNING, logger="bot.market.earnings"):
        assert await src.next_earnings("AAPL", date(2024, 1, 16)) is None
    assert type(error).__name__ in caplog.text


async def test_yahoo_datetimes_and_no_dates():
    src = YahooEarnings(lookup=FakeYahoo(answer=[datetime(2024, 1, 25, 16, 0)]), today=Day(date(2024, 1, 16)))
    assert await src.next_earnings("AAPL", date(2024, 1, 16)) == date(2024, 1, 25)
    src = YahooEarnings(lookup=FakeYahoo(answer=[]), today=Day(date(2024, 1, 16)))
    assert await src.next_earnings("AAPL", date(2024, 1, 16)) is None


def test_build_earnings(tmp_path):
    assert isinstance(build_earnings(tmp_path), CsvEarnings)
    assert isinstance(build_earnings(None), YahooEarnings)


def test_the_services_take_the_csv_twin_beside_the_price_files(tmp_path):
    from bot.market.csvdir import CsvDirectoryProvider
    from bot.market.service import MarketData
    from bot.services.composition import Services

    services = Services(MarketData(CsvDirectoryProvider(tmp_path)))
    assert isinstance(services.earnings, CsvEarnings) and services.earnings.path == tmp_path / "earnings.csv"
