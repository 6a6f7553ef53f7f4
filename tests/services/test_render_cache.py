"""The chart cache: hits, invalidation (new bar, revised bar, split, chart code), its byte bound,
and one computation for concurrent requests."""

from __future__ import annotations

import asyncio

import pandas as pd
import pytest
from fakes import FakeProvider, synthetic_daily

import bot.services.base as base_service
from bot.market.service import MarketData
from bot.services.base import BaseService
from bot.services.render_cache import ByteBoundedLRU


# ---- the LRU on its own -----------------------------------------------------------------
def test_lru_evicts_least_recently_used_past_the_byte_bound():
    cache = ByteBoundedLRU(max_bytes=100)
    cache.put("a", "A", 40)
    cache.put("b", "B", 40)
    assert cache.get("a") == "A"  # a is now the most recent
    cache.put("c", "C", 40)  # 120 > 100: the least recent (b) goes
    assert "b" not in cache and cache.get("a") == "A" and cache.get("c") == "C"
    assert cache.size_bytes == 80 and cache.stats.evictions == 1


def test_lru_never_holds_more_than_its_bound():
    cache = ByteBoundedLRU(max_bytes=1000)
    for i in range(500):
        cache.put(i, i, 1 + (i * 37) % 300)
        assert cache.size_bytes <= 1000
    cache.put("huge", "x", 5000)  # larger than the whole budget: not kept, nothing else lost
    assert "huge" not in cache and cache.size_bytes <= 1000 and len(cache) > 0


def test_replacing_a_key_counts_its_size_once():
    cache = ByteBoundedLRU(max_bytes=100)
    cache.put("a", 1, 60)
    cache.put("a", 2, 30)
    assert cache.size_bytes == 30 and cache.get("a") == 2


async def test_concurrent_requests_for_one_key_compute_once():
    cache = ByteBoundedLRU()
    calls = []
    gate = asyncio.Event()

    async def make():
        calls.append(1)
        await gate.wait()
        return b"png"

    tasks = [asyncio.create_task(cache.get_or_make("k", make, len)) for _ in range(20)]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*tasks) == [b"png"] * 20
    assert len(calls) == 1 and cache.stats.misses == 1 and cache.stats.hits == 19


async def test_a_failed_computation_is_not_cached_and_reaches_every_waiter():
    cache = ByteBoundedLRU()
    gate = asyncio.Event()
    attempts = []

    async def broken():
        attempts.append(1)
        await gate.wait()
        raise RuntimeError("render broke")

    tasks = [asyncio.create_task(cache.get_or_make("k", broken, len)) for _ in range(3)]
    await asyncio.sleep(0)
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in results) and len(attempts) == 1
    assert "k" not in cache

    async def fixed():
        return b"ok"

    assert await cache.get_or_make("k", fixed, len) == b"ok"


# ---- the base service's analyses and charts ------------------------------------------------
class Counting:
    """Counts analyses and renders behind the base service (renders are stubbed: fast)."""

    def __init__(self, monkeypatch):
        self.analyses = 0
        self.renders = []
        real_analyse = base_service.analyse

        def analyse(*args, **kwargs):
            self.analyses += 1
            return real_analyse(*args, **kwargs)

        def render(bars, result, *, ticker, timeframe, markers=()):
            self.renders.append((ticker, timeframe, float(bars["Close"].iloc[-1]), len(markers)))
            return f"png-{len(self.renders)}".encode() * 100

        monkeypatch.setattr(base_service, "analyse", analyse)
        monkeypatch.setattr(base_service, "render_base_chart", render)


@pytest.fixture
def frames():
    return {"IWM": synthetic_daily("2019-01-02", "2026-11-27", seed=3),
            "SPY": synthetic_daily("2019-01-02", "2026-11-27", price=300.0, seed=4)}


@pytest.fixture
def counting(monkeypatch):
    return Counting(monkeypatch)


@pytest.fixture
def service(frames):
    return BaseService(MarketData(FakeProvider(frames)))


async def test_the_same_request_again_is_answered_from_the_cache(service, counting):
    first = await service.report("IWM")
    again = await service.report("iwm")
    assert again.png == first.png and again.result == first.result and again.headline == first.headline
    assert counting.analyses == 1 and len(counting.renders) == 1
    # the embed without the chart reuses the same analysis
    await service.report("IWM", render=False)
    assert counting.analyses == 1


async def test_timeframes_and_markers_are_separate_charts(service, counting):
    from datetime import date

    from bot.analysis.models import Marker

    await service.report("IWM")
    await service.report("IWM", timeframe="daily")
    await service.report("IWM", markers=[Marker(date(2026, 11, 27), 1.0, "Breakout", "breakout")])
    await service.report("IWM", timeframe="daily")
    assert [(t, tf, m) for t, tf, _, m in counting.renders] == [("IWM", "weekly", 0), ("IWM", "daily", 0),
                                                                 ("IWM", "weekly", 1)]
    assert counting.analyses == 2  # weekly and daily; the marked chart reuses the weekly analysis


async def test_a_new_bar_misses(service, frames, counting):
    await service.report("IWM")
    iwm = frames["IWM"]
    new_day = iwm.index[-1] + pd.offsets.BDay(1)
    frames["IWM"] = pd.concat([iwm, iwm.iloc[[-1]].set_axis([new_day])])
    frames["IWM"].loc[new_day, "Close"] = float(iwm["Close"].iloc[-1]) * 1.01
    await service.report("IWM")
    assert len(counting.renders) == 2 and counting.analyses == 2
    assert counting.renders[1][2] == pytest.approx(float(iwm["Close"].iloc[-1]) * 1.01)


async def test_a_revised_last_bar_misses(service, frames, counting):
    await service.report("IWM")
    frames["IWM"] = frames["IWM"].copy()
    frames["IWM"].iloc[-1, frames["IWM"].columns.get_loc("Close")] += 0.5  # the vendor corrected the close
    await service.report("IWM")
    assert len(counting.renders) == 2 and counting.analyses == 2


async def test_a_split_adjusting_older_bars_misses_even_with_the_last_bar_unchanged(service, frames, counting):
    await service.report("IWM")
    adjusted = frames["IWM"].copy()
    older = adjusted.index < adjusted.index[-1]
    for col in ("Open", "High", "Low", "Close"):
        adjusted.loc[older, col] = adjusted.loc[older, col] / 2
    frames["IWM"] = adjusted
    await service.report("IWM")
    assert len(counting.renders) == 2 and counting.analyses == 2


async def test_another_chart_code_version_misses(service, counting, monkeypatch):
    await service.report("IWM")
    monkeypatch.setattr(base_service, "chart_code_version", lambda: "next-version")
    await service.report("IWM")
    assert len(counting.renders) == 2 and counting.analyses == 1  # the analysis does not depend on it


async def test_the_service_cache_stays_within_its_byte_bound(frames, counting):
    service = BaseService(MarketData(FakeProvider(frames)), cache_bytes=40_000)
    for _ in range(3):
        for ticker in ("IWM", "SPY"):
            for timeframe in ("weekly", "daily"):
                await service.report(ticker, timeframe=timeframe)
                assert service.cache.size_bytes <= 40_000
    assert service.cache.stats.evictions > 0


async def test_concurrent_requests_render_once(service, counting):
    reports = await asyncio.gather(*[service.report("IWM") for _ in range(10)])
    assert len({r.png for r in reports}) == 1 and len(counting.renders) == 1 and counting.analyses == 1


async def test_event_chart_is_drawn_once_per_event_and_never_raises(service, counting, monkeypatch):
    from datetime import date

    from bot.analysis.models import Marker

    marker = [Marker(date(2024, 6, 28), 1.0, "Breakout", "breakout")]
    first = await service.event_chart("k-iwm", "IWM", "2024-06-28", markers=marker)
    assert first and await service.event_chart("k-iwm", "IWM", "2024-06-28", markers=marker) == first
    assert len(counting.renders) == 1

    def broken(*args, **kwargs):
        raise RuntimeError("render broke")

    monkeypatch.setattr(base_service, "render_base_chart", broken)
    assert await service.event_chart("k-spy", "SPY", "2024-06-28", markers=marker) is None


# ---- the chart command's charts share the cache --------------------------------------------
async def test_chart_command_hits_and_misses_on_a_new_bar(frames, monkeypatch):
    import bot.services.chart as chart_service
    from bot.services.chart import ChartService

    drawn = []

    def render(bars, *, ticker, timeframe, show_last=None, mav=(50, 200)):
        drawn.append((ticker, timeframe, float(bars["Close"].iloc[-1])))
        return b"price-png" * 50

    monkeypatch.setattr(chart_service, "render_price_chart", render)
    shared = ByteBoundedLRU()
    charts = ChartService(MarketData(FakeProvider(frames)), cache=shared)
    first = await charts.report("IWM", timeframe="weekly", period="1y")
    assert (await charts.report("IWM", timeframe="weekly", period="1y")).png == first.png and len(drawn) == 1
    await charts.report("IWM", timeframe="weekly", period="2y")  # another argument: another chart
    assert len(drawn) == 2
    iwm = frames["IWM"]
    new_day = iwm.index[-1] + pd.offsets.BDay(1)
    frames["IWM"] = pd.concat([iwm, iwm.iloc[[-1]].set_axis([new_day])])
    await charts.report("IWM", timeframe="weekly", period="1y")
    assert len(drawn) == 3 and len(shared) == 3  # three charts kept in the shared cache
