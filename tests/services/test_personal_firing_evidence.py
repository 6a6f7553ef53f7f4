"""A level or move alert's evidence is worked out when its DM is posted
(PersonalAlertsService.firing_evidence), no longer by the daily scan: on real data it equals
what the scan worked out for that firing (the plain path: ``evidence_at`` over the scan's bars
and SPY's, with the server's market index that day from the scan's frames), for each index a
server may choose, on days through the seed's history."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bot.analysis.evidence import Evidence, evidence_at
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.evidence import market_states, with_market
from bot.scan.scanner import DEFAULT_LOOKBACK_DAYS
from bot.services.market import MarketService
from bot.services.personal import PersonalAlertsService


async def scan_evidence(market: MarketData, ticker: str, day: date, index: str) -> Evidence:
    """What the scan put in a firing's payload: its frames fetched as the scan fetches them."""
    start = day - pd.Timedelta(days=DEFAULT_LOOKBACK_DAYS)
    frames = await market.histories(sorted({ticker, "SPY", index}), start=start, end=day)
    ev = evidence_at(frames[ticker], frames["SPY"], day)
    state = market_states(frames, {index}, {day}).get((index, day))
    return Evidence.from_dict(with_market(ev, state))


@pytest.mark.parametrize("ticker,index", [("IWM", "SPY"), ("IWM", "QQQ"), ("MDY", "IWM"), ("SPY", "SPY")])
async def test_evidence_at_dm_time_equals_the_scans(shared_data, ticker, index):
    market = MarketData(CsvDirectoryProvider(shared_data))
    service = PersonalAlertsService(None, market, market_state=MarketService(market))
    iwm = await market.history("IWM", start=date(2019, 1, 1), end=date(2024, 1, 5))
    days = [d.date() for d in iwm.index[::97]] + [date(2023, 12, 26), date(2024, 1, 3)]
    compared = 0
    for day in days:
        plain = await scan_evidence(market, ticker, day, index)
        lazy = await service.firing_evidence(ticker, day, index)
        assert lazy == plain, day
        compared += plain.market is not None and plain.trend is not None
    assert compared >= len(days) - 1  # real evidence compared, not two empty ones
