"""The parsed price files a provider keeps: one parse per file version however many ask at once,
a changed file is parsed again, a failure is not kept, a caller that gives up does not cancel
the parse for the others; and the provider reads the same bars whoever parses its files."""

from __future__ import annotations

import asyncio
import os
from datetime import date

import pandas as pd
import pytest

from bot.market import csvdir
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.parsed_files import ParsedFiles
from bot.market.parsed_prices import parse_price_file
from bot.market.price_file import BadPriceFile


def frame(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame({"Close": [float(i) for i in range(n)]},
                        index=pd.DatetimeIndex(pd.bdate_range("2024-01-01", periods=n), name="Date"))


async def test_concurrent_reads_of_one_version_share_one_parse():
    files, calls = ParsedFiles(), []

    async def parse():
        calls.append(1)
        await asyncio.sleep(0.01)
        return frame()

    got = await asyncio.gather(*(files.read(("A.csv", 1.0, 10), parse) for _ in range(20)))
    assert len(calls) == 1 and files.parses == 1 and all(g is got[0] for g in got)
    assert await files.read(("A.csv", 1.0, 10), parse) is got[0] and len(calls) == 1
    await files.read(("A.csv", 2.0, 10), parse)  # the file changed: parsed again, the old one replaced
    assert len(calls) == 2 and len(files) == 1


async def test_a_failed_parse_reaches_every_waiter_and_is_not_kept():
    files, calls = ParsedFiles(), []

    async def fails():
        calls.append(1)
        await asyncio.sleep(0.01)
        raise BadPriceFile("B.csv", "is empty.")

    results = await asyncio.gather(*(files.read(("B.csv", 1.0, 0), fails) for _ in range(3)), return_exceptions=True)
    assert len(calls) == 1 and all(isinstance(r, BadPriceFile) for r in results)
    with pytest.raises(BadPriceFile):
        await files.read(("B.csv", 1.0, 0), fails)
    assert len(calls) == 2 and len(files) == 0


async def test_a_caller_that_gives_up_does_not_cancel_the_parse_for_the_others():
    files = ParsedFiles()
    release = asyncio.Event()

    async def parse():
        await release.wait()
        return frame()

    quitter = asyncio.ensure_future(files.read(("C.csv", 1.0, 1), parse))
    stayer = asyncio.ensure_future(files.read(("C.csv", 1.0, 1), parse))
    await asyncio.sleep(0)
    quitter.cancel()
    await asyncio.sleep(0)
    release.set()
    assert len(await stayer) == 3 and quitter.cancelled() and files.parses == 1


def test_the_least_recently_used_file_goes_first():
    files = ParsedFiles(max_files=2)
    for name in ("A", "B"):
        files.read_now((name, 1.0, 1), frame)
    files.get(("A", 1.0, 1))
    files.read_now(("C", 1.0, 1), frame)
    assert files.get(("B", 1.0, 1)) is None and files.get(("A", 1.0, 1)) is not None and len(files) == 2


@pytest.fixture
def folder(shared_data, tmp_path):
    for name in ("IWM.csv", "SPY.csv", "QQQ.csv"):
        (tmp_path / name).symlink_to(shared_data / name)
    (tmp_path / "universe").mkdir()
    (tmp_path / "universe" / "AAPL.csv.gz").symlink_to(shared_data / "universe" / "AAPL.csv.gz")
    (tmp_path / "BAD.csv").write_text("a,b\n1,2\n")
    return tmp_path


async def test_the_provider_reads_the_same_bars_whoever_parses_its_files(folder):
    """A reader standing in for the worker processes (another parse of the same file, its arrays
    pickled as a worker's answer is) against the plain blocking load, file by file."""
    import pickle

    asked: list[str] = []

    async def elsewhere(path: str):
        asked.append(os.path.basename(path))
        return pickle.loads(pickle.dumps(parse_price_file(path)))

    plain, other = CsvDirectoryProvider(folder), CsvDirectoryProvider(folder, reader=elsewhere)
    tickers = ["IWM", "SPY", "QQQ", "AAPL", "BAD", "NONE"]
    start, end = date(2010, 3, 1), date(2024, 6, 28)
    batch = await other.fetch(tickers, start, end)
    assert sorted(batch) == ["AAPL", "IWM", "QQQ", "SPY"] and list(batch.unavailable) == ["BAD"]
    for t in batch:
        pd.testing.assert_frame_equal(batch[t], plain.load(t, start, end), check_exact=True)
    assert await other.span("IWM") == (plain.load("IWM").index[0].date(), plain.load("IWM").index[-1].date())
    assert await other.latest_date(tickers) == max(plain.load(t).index[-1].date() for t in ["IWM", "SPY", "QQQ", "AAPL"])
    # each good file parsed once, then kept; a bad one is not kept (parsed again by the next request)
    assert sorted(asked) == ["AAPL.csv.gz", "BAD.csv", "BAD.csv", "IWM.csv", "QQQ.csv", "SPY.csv"]
    assert other.files.parses == 4 and len(other.files) == 4


async def test_a_request_parses_a_few_files_at_a_time(folder, monkeypatch):
    monkeypatch.setattr(csvdir, "READ_AT_ONCE", 2)
    running, most = 0, 0

    async def slow(path: str):
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1
        return parse_price_file(path)

    provider = CsvDirectoryProvider(folder, reader=slow)
    assert len(await provider.fetch(["IWM", "SPY", "QQQ", "AAPL"])) == 4
    assert most == 2
