"""Where the event loop stalls: a watchdog thread for the benchmarks (``--stalls``).

The loop stamps the time every millisecond; a daemon thread looks every millisecond and, while
the stamp is older than ``threshold`` ms, records the loop thread's stack
(``sys._current_frames``). A stall is then reported once with its length and the frames it was
seen in most, innermost last, with the other threads' stacks seen meanwhile: a thread that holds
the GIL holds the watchdog too, so its stack is taken the moment the GIL comes back, right after
the call that held it.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import gc
import sys
import threading
import time
import traceback


def add_option(parser: argparse.ArgumentParser) -> None:
    """The benchmarks' ``--stalls`` switch."""
    parser.add_argument("--stalls", action="store_true", help="name where the loop stalls (benchmarks/stalls.py; "
                                                              "its thread costs CPU: not for the figures)")


@contextlib.asynccontextmanager
async def watching(enabled: bool):
    """``async with watching(args.stalls):`` a :class:`StallWatch` over the block, its report
    printed after it; nothing when ``enabled`` is false."""
    if not enabled:
        yield None
        return
    async with StallWatch() as watch:
        yield watch
    print(watch.report())


class StallWatch:
    def __init__(self, threshold_ms: float = 20.0):
        self.threshold = threshold_ms / 1000
        self.stalls: list[tuple[float, collections.Counter]] = []  # (seconds, stacks seen)
        self._stamp = time.perf_counter()
        self._stop = threading.Event()
        self._loop_thread = threading.get_ident()
        self.collections: list[tuple[int, float, int]] = []  # the garbage collector's: (generation, seconds, freed)
        self._gc_began = 0.0

    async def __aenter__(self) -> "StallWatch":
        self._ticker = asyncio.create_task(self._tick())
        self._thread = threading.Thread(target=self._watch, name="stall-watch", daemon=True)
        self._thread.start()
        gc.callbacks.append(self._gc)
        return self

    async def __aexit__(self, *exc) -> None:
        gc.callbacks.remove(self._gc)
        self._stop.set()
        self._ticker.cancel()
        self._thread.join()

    def _gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_began = time.perf_counter()
        else:
            self.collections.append((info["generation"], time.perf_counter() - self._gc_began, info["collected"]))

    async def _tick(self) -> None:
        while True:
            self._stamp = time.perf_counter()
            await asyncio.sleep(0.001)

    def _watch(self) -> None:
        current: collections.Counter | None = None
        began = 0.0
        while not self._stop.is_set():
            time.sleep(0.001)
            now, stamp = time.perf_counter(), self._stamp
            if now - stamp > self.threshold:
                if current is None:
                    current, began = collections.Counter(), stamp
                for ident, frame in sys._current_frames().items():  # the loop's, and who else ran
                    if ident == threading.get_ident():
                        continue
                    who = "loop" if ident == self._loop_thread else "thread"
                    current[(who, *traceback.format_stack(frame)[-8:])] += 1
            elif current is not None:
                self.stalls.append((stamp - began, current))
                current = None

    def report(self, top: int = 5) -> str:
        full = [(s, n) for g, s, n in self.collections if g == 2]
        young = [s for g, s, _ in self.collections if g < 2]
        lines = [f"garbage collections: {len(young)} young ({sum(young) * 1000:.0f} ms in all, longest "
                 f"{max(young, default=0) * 1000:.1f} ms); {len(full)} full: "
                 + (", ".join(f"{s * 1000:.0f} ms ({n:,} freed)" for s, n in full) or "none")]
        if not self.stalls:
            return "\n".join(lines + [f"no stall over {self.threshold * 1000:.0f} ms"])
        lines.append(f"{len(self.stalls)} stalls over {self.threshold * 1000:.0f} ms; the longest:")
        for seconds, stacks in sorted(self.stalls, key=lambda s: -s[0])[:top]:
            lines.append(f"--- {seconds * 1000:.0f} ms: the threads' stacks seen meanwhile, commonest first")
            for (who, *stack), seen in stacks.most_common(4):
                lines.append(f"  [{who}, seen {seen} times]")
                lines += ["    " + line.rstrip().replace("\n", "\n    ") for line in stack]
        return "\n".join(lines)
