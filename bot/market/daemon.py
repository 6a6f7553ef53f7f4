"""Blocking calls that may never return, run where they cannot keep the process alive.

``asyncio.to_thread`` and ``ThreadPoolExecutor`` threads are joined when the interpreter
exits, so one yfinance call stuck on a stalled network (two minutes and more) would hold a
finished command's process open. A daemon thread is abandoned at exit instead.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def in_daemon_thread(fn: Callable[..., T], *args, name: str = "blocking-call") -> T:
    """``await`` ``fn(*args)`` run in a fresh daemon thread. Cancelling the await (a timeout)
    abandons the thread: its late result is dropped."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future = loop.create_future()

    def settle(setter, value) -> None:
        if not future.done():  # not cancelled or timed out meanwhile
            setter(value)

    def work() -> None:
        outcome: tuple[Callable[[Any], None], Any]
        try:
            outcome = (future.set_result, fn(*args))
        except BaseException as exc:  # handed to the awaiting coroutine, not swallowed
            outcome = (future.set_exception, exc)
        if loop.is_closed():
            return  # the program has moved on; nobody is waiting for this answer
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:  # the loop closed between the check and the call
            return

    threading.Thread(target=work, name=name, daemon=True).start()
    return await future
