"""A hard upper bound on one command's work, whatever the data source does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from bot.errors import DataTimeout
from bot.words.errors import too_slow

T = TypeVar("T")
# The data source bounds its own work (retries included) by its timeout; on top of that a
# command needs the analysis and one render (~0.2 s, seconds on a busy machine).
RENDER_ALLOWANCE = 10.0


def deadline_for(settings) -> float:
    """Data timeout + rendering: the longest a reply may take, whatever the source does."""
    timeout = float(getattr(settings, "data_timeout", 20.0))
    return max(0.1, timeout + min(RENDER_ALLOWANCE, 2 * timeout))


async def within(work: Awaitable[T], seconds: float) -> T:
    """Await ``work`` for at most ``seconds``; then cancel it and raise DataTimeout."""
    try:
        return await asyncio.wait_for(work, seconds)
    except TimeoutError:
        raise DataTimeout(
            too_slow(seconds)
        ) from None
