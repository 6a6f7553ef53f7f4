"""A command's reply is bounded by the data timeout plus rendering."""

import asyncio

import pytest

from bot.app.deadline import RENDER_ALLOWANCE, deadline_for, within
from bot.errors import DataTimeout
from bot.settings import Settings


def test_deadline_is_data_timeout_plus_render_allowance():
    assert deadline_for(Settings(data_timeout=20.0)) == 20.0 + RENDER_ALLOWANCE
    assert deadline_for(Settings(data_timeout=0.05)) == pytest.approx(0.15)


async def test_within_cancels_slow_work_with_a_friendly_error():
    cancelled = asyncio.Event()

    async def slow():
        try:
            await asyncio.sleep(30)
        finally:
            cancelled.set()

    with pytest.raises(DataTimeout, match="took too long"):
        await within(slow(), 0.05)
    assert cancelled.is_set()
