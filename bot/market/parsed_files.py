"""The price files a provider has parsed, kept by path and version (modification time, size).

At most ``max_files`` are kept, least recently used dropped first. ``read`` is single-flight:
concurrent requests for one file version (a burst of ``!base`` of one ticker, or of many whose
reports all read SPY) share one parse. A parse that fails is not kept; its error reaches every
waiter (the next request parses again). ``read_now`` is the blocking twin for code already off the event loop. The entries are
shared between the loop and the lane thread, so each access takes a lock.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import pandas as pd

MAX_FILES = 64

Version = tuple[str, float, int]  # (path, modification time, size)


class ParsedFiles:
    def __init__(self, max_files: int = MAX_FILES):
        if max_files <= 0:
            raise ValueError("max_files must be positive")
        self.max_files = max_files
        self.parses = 0  # files parsed (tests, benchmarks)
        self._frames: OrderedDict[str, tuple[Version, pd.DataFrame]] = OrderedDict()
        self._pending: dict[Version, asyncio.Future] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._frames)

    def get(self, version: Version) -> pd.DataFrame | None:
        """The frame parsed from this version of the file, or None (another version, or never)."""
        with self._lock:
            entry = self._frames.get(version[0])
            if entry is None or entry[0] != version:
                return None
            self._frames.move_to_end(version[0])
            return entry[1]

    def put(self, version: Version, frame: pd.DataFrame) -> None:
        with self._lock:
            self._frames[version[0]] = (version, frame)  # replaces an older version of the file
            self._frames.move_to_end(version[0])
            while len(self._frames) > self.max_files:
                self._frames.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._frames.clear()

    def read_now(self, version: Version, parse: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """The kept frame, else ``parse()`` (blocking), kept."""
        frame = self.get(version)
        if frame is None:
            frame = parse()
            self.parses += 1
            self.put(version, frame)
        return frame

    async def read(self, version: Version, parse: Callable[[], Awaitable[pd.DataFrame]]) -> pd.DataFrame:
        """The kept frame, else ``await parse()``, once for concurrent callers, kept. The parse
        runs in its own task: a caller that gives up (a command past its deadline) does not
        cancel it for the others."""
        frame = self.get(version)
        if frame is not None:
            return frame
        task = self._pending.get(version)
        if task is None:
            task = asyncio.ensure_future(self._parse_and_keep(version, parse))
            self._pending[version] = task
            task.add_done_callback(lambda done: self._settled(version, done))
        return await asyncio.shield(task)

    async def _parse_and_keep(self, version: Version, parse: Callable[[], Awaitable[pd.DataFrame]]) -> pd.DataFrame:
        frame = await parse()
        self.parses += 1
        self.put(version, frame)
        return frame

    def _settled(self, version: Version, task: asyncio.Future) -> None:
        if self._pending.get(version) is task:
            del self._pending[version]
        if not task.cancelled():
            task.exception()  # retrieved: no "never retrieved" warning when every caller gave up
