"""What a long-running process (the bot) does at start-up and nothing else does: it builds the
trading calendar in the lane, not on the event loop in its first scan cycle, and once started
it freezes its heap (bot.heap)."""

from __future__ import annotations

import threading

import pytest

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.services import composition
from bot.services.composition import Services


@pytest.mark.parametrize("long_running", [True, False])
def test_only_a_long_running_process_freezes_after_start_up(monkeypatch, tmp_path, long_running):
    calls = []
    monkeypatch.setattr(composition, "freeze_long_lived", lambda: calls.append(1) or 0)
    services = Services(MarketData(CsvDirectoryProvider(tmp_path)), long_running=long_running, render_workers=0)
    services.started()
    assert calls == ([1] if long_running else [])


async def test_a_long_running_process_builds_the_trading_calendar_at_start_up_in_the_lane(monkeypatch, tmp_path):
    from bot.market import calendar

    built_in = []
    real = calendar.xnys

    def xnys():
        built_in.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(calendar, "xnys", xnys)
    services = Services(MarketData(CsvDirectoryProvider(tmp_path)), long_running=True, render_workers=0)
    await services.open()
    try:
        assert len(built_in) == 1 and built_in[0].startswith("breakout-lane")
    finally:
        await services.close()
    short = Services(MarketData(CsvDirectoryProvider(tmp_path)))
    await short.open()
    await short.close()
    assert len(built_in) == 1  # a command-line run builds it only if it needs it
