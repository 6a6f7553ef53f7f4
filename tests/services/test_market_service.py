"""The `market` use case on real index prices: the state it reports is the analysis' state on
the whole file, its lines say the numbers beside them, its chart is cached."""

from datetime import date

import pandas as pd
import pytest

from bot.analysis.evidence import market_state, market_tape
from bot.errors import BadArgument
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services.market import HISTORY_YEARS, MarketService
from bot.services.market_index import parse_market_index


@pytest.fixture
def service(shared_data):
    return MarketService(MarketData(CsvDirectoryProvider(shared_data)))


def test_parse_market_index():
    assert parse_market_index(None) is None and parse_market_index("  ") is None
    assert parse_market_index("qqq") == "QQQ" and parse_market_index("$iwm") == "IWM"
    with pytest.raises(BadArgument, match="SPY, QQQ, IWM"):
        parse_market_index("DIA")


async def test_the_april_2020_follow_through(service, load_daily):
    report = await service.report("SPY", as_of="2020-04-06")
    assert report.state == market_state(load_daily("SPY"), date(2020, 4, 6))  # the whole file agrees
    assert report.headline == "Market (SPY): uptrend"
    assert report.lines[0] == "0 distribution days in the last 25 sessions."
    assert report.lines[1] == "Latest follow-through day: 2020-04-06."
    assert report.lines[2].startswith("SPY closed at 264.86, ") and "below its 50-day average" in report.lines[2]
    assert report.png[:8] == b"\x89PNG\r\n\x1a\n" and report.filename == "SPY-market.png"
    doc = report.to_dict()
    assert doc["state"] == "uptrend" and doc["follow_through"] == "2020-04-06" and doc["data_date"] == "2020-04-06"


async def test_a_correction_reports_its_rally_day(service):
    report = await service.report("SPY", as_of="2020-04-03")
    assert report.headline == "Market (SPY): in correction"
    assert report.lines[1].startswith("Rally attempt: day 9.")
    state = await service.state("SPY", "2020-04-03")
    assert state == report.state


async def test_the_chart_is_made_once_per_day_and_data(service):
    first = await service.report("QQQ", as_of="2023-12-26")
    again = await service.report("qqq", as_of="2023-12-26")
    assert first.png == again.png and service.cache.stats.hits == 1
    assert not (await service.report("QQQ", as_of="2023-12-26", render=False)).png


@pytest.mark.parametrize("index", ["SPY", "QQQ", "IWM"])
def test_three_years_of_history_give_the_whole_file_s_state(load_daily, index):
    daily = load_daily(index)
    full = market_tape(daily)
    days = daily.index[daily.index >= "2005-01-01"][::40]
    for day in days:
        window = daily.loc[day - pd.DateOffset(years=HISTORY_YEARS):day]
        tail = market_tape(window).iloc[-1]
        assert (tail["state"], tail["count"]) == (full.loc[day, "state"], full.loc[day, "count"]), day


async def test_the_state_is_computed_once_per_index_and_bars_and_equals_the_plain_computation(shared_data, tmp_path):
    import shutil

    shutil.copy(shared_data / "SPY.csv", tmp_path / "SPY.csv")
    service = MarketService(MarketData(CsvDirectoryProvider(tmp_path)))
    day = date(2024, 8, 5)
    window = await service._bars("SPY", day)
    states = [await service.state("SPY", day) for _ in range(3)]
    assert service.cache.stats.misses == 1 and service.cache.stats.hits == 2
    assert all(s == market_state(window, None, "SPY") for s in states)
    # a revised bar (a split, a vendor's correction) is other bars: computed again, from them
    text = (tmp_path / "SPY.csv").read_text().splitlines()
    row = next(i for i, line in enumerate(text) if line.startswith("2024-07-01,"))
    cells = text[row].split(",")
    cells[4] = str(float(cells[4]) * 0.9)
    text[row] = ",".join(cells)
    (tmp_path / "SPY.csv").write_text("\n".join(text) + "\n")
    revised = await service.state("SPY", day)
    assert service.cache.stats.misses == 2
    assert revised == market_state(await service._bars("SPY", day), None, "SPY")
