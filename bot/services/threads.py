"""The one way services run blocking work (analysis, chart renders) off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``await off_loop(render_base_chart, bars, base, ticker=..., timeframe=...)``.

    Runs in the default thread pool so the event loop stays responsive. The analysis and
    chart functions share no mutable state, so several may run at once. (Threads give no
    speed-up under the GIL; they keep the bot responsive.)
    """
    return await asyncio.to_thread(fn, *args, **kwargs)
