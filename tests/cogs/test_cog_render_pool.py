"""``!base`` through discord.py's real dispatch with the bot's worker pool: the chart comes from a
worker process, a crashed worker is replaced and the command still answers, and the same chart
again (or through the Daily/Weekly buttons) is served from the cache."""

from __future__ import annotations

import pytest
from discord_harness import DiscordHarness, is_png
from fakes import FakeProvider, synthetic_daily

from bot.app.client import create_bot
from bot.market.service import MarketData
from bot.services.composition import Services
from bot.settings import Settings
from bot.store.db import Database


@pytest.fixture
async def h():
    market = MarketData(FakeProvider({"SYN": synthetic_daily("2016-01-04", "2026-11-27", seed=5)}))
    services = Services(market, Database(":memory:"), long_running=True, render_workers=1)
    harness = await DiscordHarness.start(create_bot(Settings(token="test-token-not-real"), services))
    yield harness
    await harness.close()


def chart_of(sent: list[dict]) -> bytes:
    (reply,) = [m for m in sent if m["files"]]
    png = reply["files"][0]["bytes"]
    assert is_png(png)
    return png


async def test_base_answers_from_the_pool_after_a_worker_crash(h):
    pool = h.bot.services.render_pool
    assert await pool.warm()  # started in the background when the bot opened its services
    first = chart_of(await h.prefix("!base SYN"))
    assert pool.pool_calls == 2  # the analysis and the chart
    await pool.crash_a_worker()
    h.bot.services.base.cache.clear()
    h.reset_cooldowns()
    again = chart_of(await h.prefix("!base SYN"))  # answered on the thread path while a new pool starts
    assert again == first and pool.restarts == 1
    assert await pool.warm()
    h.bot.services.base.cache.clear()
    h.reset_cooldowns()
    calls = pool.pool_calls
    assert chart_of(await h.prefix("!base SYN")) == first and pool.pool_calls == calls + 2  # the new worker drew it


async def test_the_same_chart_again_and_the_buttons_come_from_the_cache(h):
    pool = h.bot.services.render_pool
    await pool.warm()
    sent = await h.prefix("!base SYN")
    reply = next(m for m in sent if m["files"])
    calls = pool.pool_calls
    h.reset_cooldowns()
    assert chart_of(await h.prefix("!base SYN")) == chart_of(sent)
    assert pool.pool_calls == calls  # nothing computed again
    await h.click("base:timeframe:daily", reply)
    daily_calls = pool.pool_calls
    assert daily_calls == calls + 2  # the daily analysis and chart, once
    await h.click("base:timeframe:weekly", reply)
    await h.click("base:timeframe:daily", reply)
    assert pool.pool_calls == daily_calls
