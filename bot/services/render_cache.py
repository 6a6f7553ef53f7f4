"""One bounded in-memory cache for what the chart commands compute: analyses and PNGs.

Entries are evicted least-recently-used first once their total size passes ``max_bytes``.
``get_or_make`` is single-flight: concurrent requests for one key share one computation, so a
burst of ``!base IWM`` from twenty users renders once. A computation that raises is not
cached (the next request tries again) and its error reaches every waiter.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0


class ByteBoundedLRU:
    """``key -> value`` with a size per entry; LRU eviction past ``max_bytes``."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._pending: dict[Hashable, asyncio.Future] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def get(self, key: Hashable, default: Any = None) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return default
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        """Keep ``value``; an entry larger than the whole budget is not kept at all."""
        size = max(1, int(size))
        self.discard(key)
        if size > self.max_bytes:
            return
        self._entries[key] = (value, size)
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, (_, old) = self._entries.popitem(last=False)
            self._bytes -= old
            self.stats.evictions += 1

    def discard(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[1]

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0

    async def get_or_make(self, key: Hashable, make: Callable[[], Awaitable[Any]],
                          size_of: Callable[[Any], int]) -> Any:
        """The cached value of ``key``, else ``await make()`` (once for concurrent callers), kept."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            self.stats.hits += 1
            return entry[0]
        pending = self._pending.get(key)
        if pending is not None:
            self.stats.hits += 1
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if pending.cancelled() and task is not None and not task.cancelling():
                    return await self.get_or_make(key, make, size_of)  # its maker was cancelled, not us
                raise
        self.stats.misses += 1
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            value = await make()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody else waits
            raise
        else:
            self.put(key, value, size_of(value))
            future.set_result(value)
            return value
        finally:
            self._pending.pop(key, None)
