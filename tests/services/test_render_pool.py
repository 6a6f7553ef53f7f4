"""Chart renders in worker processes: byte-identical to the in-process chart, a crashed worker is
replaced while the command still answers, and the thread path where processes are unavailable."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fakes import FakeProvider, synthetic_daily

from bot.analysis.base import chart_window, find_base
from bot.charts.base_chart import render_base_chart
from bot.charts.transport import pack_bars, unpack_bars
from bot.market.service import MarketData
from bot.services.base import BaseService
from bot.services.render_pool import RenderPool


@pytest.fixture(scope="module")
def daily():
    return synthetic_daily("2016-01-04", "2026-11-27", seed=7)


@pytest.fixture(scope="module")
def weekly_chart(daily):
    result = find_base(daily, None, timeframe="weekly")
    return chart_window(daily, result, "weekly"), result


@pytest.fixture
async def pool():
    p = RenderPool(workers=2)
    yield p
    await p.close()


def test_bars_travel_as_plain_arrays(weekly_chart):
    bars, _ = weekly_chart
    packed = pack_bars(bars)
    assert set(packed) == {"Date", "Open", "High", "Low", "Close", "Volume"}
    assert all(isinstance(v, np.ndarray) for v in packed.values())
    back = unpack_bars(packed)
    assert list(back.index) == list(bars.index)
    assert np.array_equal(back["Close"].to_numpy(), bars["Close"].to_numpy())


async def test_a_chart_from_the_pool_is_byte_identical_to_the_in_process_one(pool, weekly_chart):
    bars, result = weekly_chart
    assert await pool.warm()
    png = await pool.render_base(bars, result, ticker="SYN", timeframe="weekly")
    assert pool.pool_calls == 1 and pool.thread_calls == 0
    assert png == render_base_chart(bars, result, ticker="SYN", timeframe="weekly")


async def test_renders_take_the_thread_path_until_the_pool_is_ready(pool, weekly_chart):
    bars, result = weekly_chart
    assert not pool.ready and pool.worker_pids() == []  # lazy: nothing started yet
    png = await pool.render_base(bars, result, ticker="SYN", timeframe="weekly")
    assert pool.thread_calls == 1 and png.startswith(b"\x89PNG")
    assert await pool.warm() and len(pool.worker_pids()) == 2


async def test_a_crashed_worker_is_replaced_and_the_command_still_answers(pool, daily):
    service = BaseService(MarketData(FakeProvider({"SYN": daily})), pool=pool)
    assert await pool.warm()
    before = pool.worker_pids()
    await pool.crash_a_worker()
    assert not pool.ready and pool.restarts == 1
    report = await service.report("SYN")  # answered on the thread path while a new pool starts
    assert report.png.startswith(b"\x89PNG")
    assert await pool.warm()
    after = pool.worker_pids()
    assert len(after) == 2 and not set(after) & set(before)
    service.cache.clear()
    again = await service.report("SYN")
    assert again.png == report.png and pool.pool_calls >= 1


async def test_without_processes_every_render_takes_the_thread_path(weekly_chart):
    bars, result = weekly_chart
    pool = RenderPool(workers=1, start_method="no-such-start-method")
    try:
        assert not await pool.warm() and not pool.available
        png = await pool.render_base(bars, result, ticker="SYN", timeframe="weekly")
        assert png == render_base_chart(bars, result, ticker="SYN", timeframe="weekly")
        assert pool.thread_calls == 1 and pool.pool_calls == 0
    finally:
        await pool.close()


@pytest.mark.parametrize("timeframe", ["weekly", "daily"])
async def test_real_iwm_charts_from_the_pool_are_byte_identical(pool, load_daily, timeframe):
    from bot.analysis.models import Marker

    daily = load_daily("IWM")
    result = find_base(daily, None, timeframe=timeframe)
    bars = chart_window(daily, result, timeframe)
    markers = (Marker(bars.index[-3].date(), float(bars["Close"].iloc[-3]), "Breakout", "breakout"),)
    assert await pool.warm()
    png = await pool.render_base(bars, result, ticker="IWM", timeframe=timeframe, markers=markers)
    assert pool.pool_calls == 1
    assert png == render_base_chart(bars, result, ticker="IWM", timeframe=timeframe, markers=markers)


def test_the_bot_gets_a_pool_of_the_configured_size_and_the_cli_none(tmp_path):
    from bot.services.composition import Services, build_services
    from bot.settings import Settings

    market = MarketData(FakeProvider({}))
    assert Services(market).render_pool is None  # the command line: threads
    assert Services(market, long_running=True, render_workers=0).render_pool is None
    bot_services = build_services(Settings(db_path=tmp_path / "bot.sqlite3", render_workers=1), data_dir=tmp_path)
    assert bot_services.render_pool.workers == 1 and bot_services.base.pool is bot_services.render_pool
    assert not bot_services.render_pool.ready  # nothing started before the bot opens its services
    assert Settings.from_env({"BREAKOUT_RENDER_WORKERS": "0"}, dotenv=False).render_workers == 0
    assert Settings.from_env({}, dotenv=False).render_workers is None


async def test_a_price_chart_from_the_pool_is_byte_identical(pool, daily):
    from bot.charts.price_chart import render_price_chart
    from bot.charts.transport import render_price_packed

    bars = daily.iloc[-400:]
    assert await pool.warm()
    png = await pool.run(render_price_packed, pack_bars(bars), "SYN", "daily", 250, fallback=None)
    assert pool.pool_calls == 1
    assert png == render_price_chart(bars, ticker="SYN", timeframe="daily", show_last=250)


async def test_a_price_file_parsed_in_the_pool_is_the_plain_loaders_frame(pool, shared_data, tmp_path):
    from bot.market.parsed_prices import frame_of_parsed
    from bot.market.price_file import BadPriceFile, read_price_file

    assert await pool.warm()
    parsed = await pool.read_prices(str(shared_data / "IWM.csv"))
    assert pool.pool_calls == 1 and pool.thread_calls == 0
    pd.testing.assert_frame_equal(frame_of_parsed(parsed), read_price_file(shared_data / "IWM.csv")[0], check_exact=True)
    bad = tmp_path / "EMPTY.csv"
    bad.write_bytes(b"")
    with pytest.raises(BadPriceFile, match="is empty") as info:
        await pool.read_prices(str(bad))
    assert info.value.public and pool.ready and pool.restarts == 0  # an unreadable file is no broken pool


async def test_the_bots_price_files_are_parsed_in_its_worker_processes(tmp_path):
    """Only a long-running process with worker processes hands its price files to them."""
    from bot.market.csvdir import CsvDirectoryProvider
    from bot.services.composition import Services

    bot = Services(MarketData(CsvDirectoryProvider(tmp_path)), long_running=True, render_workers=1)
    threads = Services(MarketData(CsvDirectoryProvider(tmp_path)), long_running=True, render_workers=0)
    cli = Services(MarketData(CsvDirectoryProvider(tmp_path)))
    for services in (bot, threads, cli):
        await services.open()
        await services.close()
    assert bot.market.provider.reader == bot.render_pool.read_prices
    assert threads.market.provider.reader is None and cli.market.provider.reader is None
