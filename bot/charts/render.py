"""Run a chart render off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


async def render_async(fn: Callable[..., bytes], *args: Any, **kwargs: Any) -> bytes:
    """``await render_async(render_base_chart, bars, base, ticker=..., timeframe=...)``.

    Renders run in the default thread pool: the chart functions share no mutable state, so several
    may run at once. (Threads give no speed-up under the GIL; they keep the bot responsive.)
    """
    return await asyncio.to_thread(fn, *args, **kwargs)
