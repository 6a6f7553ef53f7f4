"""A base report gathers its evidence while the base is found and drawn (not after), gives the
same report as when the evidence is gathered alone, and drops the evidence when the base fails."""

from __future__ import annotations

import asyncio

import pytest
from fakes import FakeProvider, synthetic_daily

from bot.analysis.evidence import Evidence
from bot.errors import NotEnoughData
from bot.market.service import MarketData
from bot.services.base import make_base_report

DEADLOCK_GUARD = 30.0  # seconds: only a report that gathers its evidence after drawing waits this long


@pytest.fixture
def market():
    return MarketData(FakeProvider({"SYN": synthetic_daily("2016-01-04", "2026-11-27", seed=3)}))


async def test_the_evidence_is_gathered_while_the_chart_is_drawn(market):
    gathering = asyncio.Event()

    async def evidence(daily, ticker, day):
        gathering.set()
        return Evidence(volume_ratio=1.7)

    async def draw(bars, result, **kwargs):
        await asyncio.wait_for(gathering.wait(), DEADLOCK_GUARD)  # drawn only once the evidence is under way
        return b"png"

    report = await make_base_report(market, "SYN", render_chart=draw, evidence=evidence)
    plain = await make_base_report(market, "SYN", render=False, evidence=evidence)
    assert report.png == b"png" and report.evidence == plain.evidence == Evidence(volume_ratio=1.7)
    assert (report.headline, report.fields, report.footer) == (plain.headline, plain.fields, plain.footer)


async def test_a_base_that_fails_drops_its_evidence(market):
    gathering, dropped = asyncio.Event(), asyncio.Event()

    async def evidence(daily, ticker, day):
        gathering.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            dropped.set()
            raise

    async def fails(daily, as_of, timeframe):
        await gathering.wait()
        raise NotEnoughData("too few bars")

    with pytest.raises(NotEnoughData):
        await make_base_report(market, "SYN", analyse_bars=fails, evidence=evidence)
    await asyncio.wait_for(dropped.wait(), DEADLOCK_GUARD)
