"""A hard upper bound on one command's work, whatever the data source does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from bot.errors import DataTimeout

T = TypeVar("T")
DEADLINE_FACTOR = 3.0  # × the data source timeout: room for a retry and the render


def deadline_for(settings) -> float:
    return max(0.1, DEADLINE_FACTOR * float(getattr(settings, "data_timeout", 20.0)))


async def within(work: Awaitable[T], seconds: float) -> T:
    """Await ``work`` for at most ``seconds``; then cancel it and raise DataTimeout."""
    try:
        return await asyncio.wait_for(work, seconds)
    except TimeoutError:
        raise DataTimeout(
            f"That took too long (over {seconds:.0f} s): the data source may be slow. Try again in a minute."
        ) from None
