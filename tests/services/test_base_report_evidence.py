"""A base report gathers its evidence while the base is drawn (not after), once the base is found
(not while it is found: the drawing waits for the finding, the evidence would take a core from it),
gives the same report as when the evidence is gathered alone, gathers none when the base cannot be
found, and drops the evidence when the chart fails."""

from __future__ import annotations

import asyncio

import pytest
from fakes import FakeProvider, synthetic_daily

from bot.analysis.evidence import Evidence
from bot.errors import NotEnoughData
from bot.market.service import MarketData
from bot.services.base import _analyse_in_thread, make_base_report

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


async def test_the_evidence_is_gathered_once_the_base_is_found(market):
    found = []

    async def analyse(daily, as_of, timeframe):
        await asyncio.sleep(0.05)  # gives an evidence gathered while the base is found its turn
        result = await _analyse_in_thread(daily, as_of, timeframe)
        found.append(True)
        return result

    async def evidence(daily, ticker, day):
        assert found, "the evidence was gathered while the base was found"
        return Evidence(volume_ratio=1.7)

    report = await make_base_report(market, "SYN", render=False, analyse_bars=analyse, evidence=evidence)
    assert report.evidence == Evidence(volume_ratio=1.7)


async def test_a_base_that_cannot_be_found_gathers_no_evidence(market):
    gathered = []

    async def evidence(daily, ticker, day):
        gathered.append(ticker)
        return Evidence(volume_ratio=1.7)

    async def fails(daily, as_of, timeframe):
        raise NotEnoughData("too few bars")

    with pytest.raises(NotEnoughData):
        await make_base_report(market, "SYN", analyse_bars=fails, evidence=evidence)
    await asyncio.sleep(0)
    assert gathered == []


async def test_a_chart_that_fails_drops_its_evidence(market):
    gathering, dropped = asyncio.Event(), asyncio.Event()

    async def evidence(daily, ticker, day):
        gathering.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            dropped.set()
            raise

    async def fails(bars, result, **kwargs):
        await gathering.wait()
        raise RuntimeError("the chart failed")

    with pytest.raises(RuntimeError):
        await make_base_report(market, "SYN", render_chart=fails, evidence=evidence)
    await asyncio.wait_for(dropped.wait(), DEADLOCK_GUARD)
