"""off_loop: blocking work runs in the one lane thread, with the caller's context, and its
result or exception comes back to the awaiting coroutine."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from bot.threads import LANE_THREADS, off_loop

request = contextvars.ContextVar("request", default="none")


def _where(x: int) -> tuple[str, str, int]:
    return threading.current_thread().name, request.get(), x * 2


def _fails() -> None:
    raise ValueError("bad bars")


async def test_work_runs_in_the_lane_with_the_callers_context():
    request.set("!base IWM")
    name, seen, doubled = await off_loop(_where, 21)
    assert name.startswith("breakout-lane") and name != threading.current_thread().name
    assert seen == "!base IWM" and doubled == 42


async def test_an_exception_reaches_the_caller():
    with pytest.raises(ValueError, match="bad bars"):
        await off_loop(_fails)


async def test_jobs_take_turns_in_one_thread():
    names = {n for n, _, _ in await asyncio.gather(*(off_loop(_where, i) for i in range(8)))}
    assert len(names) == LANE_THREADS == 1


def test_a_long_loop_in_the_lane_gives_the_event_loop_turns(monkeypatch):
    """taking_turns yields every item once, in order; off the main thread it sleeps between
    items once YIELD_EVERY has passed (here at once), on the main thread never."""
    import bot.threads as threads

    slept: list[float] = []
    monkeypatch.setattr(threads, "YIELD_EVERY", 0.0)
    monkeypatch.setattr(threads.time, "sleep", slept.append)
    assert list(threads.taking_turns(range(5))) == [0, 1, 2, 3, 4] and slept == []  # the main thread
    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.extend(threads.taking_turns(range(5))))
    worker.start()
    worker.join()
    assert seen == [0, 1, 2, 3, 4] and slept == [threads.LOOP_TURN] * 5
