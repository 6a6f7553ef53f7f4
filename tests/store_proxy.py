"""A TCP relay in front of the test PostgreSQL that can freeze: what a stopped (SIGSTOP) or
unplugged server looks like to the bot, without touching the shared server.

``proxy = await FreezingProxy.start(host, port)``; point the bot at ``proxy.port``;
``proxy.freeze()`` keeps every connection open but relays nothing (new connections are
accepted and hang, as with a frozen server); ``proxy.thaw()`` relays again (what was held
is delivered); ``proxy.cut()`` drops every connection (a restart); ``await proxy.close()``.
"""

from __future__ import annotations

import asyncio
import contextlib


class FreezingProxy:
    def __init__(self, host: str, port: int):
        self.host, self.upstream_port = host, port
        self.flowing = asyncio.Event()
        self.flowing.set()
        self.server: asyncio.base_events.Server | None = None
        self.port = 0
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task] = set()

    @classmethod
    async def start(cls, host: str = "127.0.0.1", port: int = 5432) -> "FreezingProxy":
        self = cls(host, port)
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def freeze(self) -> None:
        self.flowing.clear()

    def thaw(self) -> None:
        self.flowing.set()

    def cut(self) -> None:
        for w in list(self._writers):
            w.transport.abort()

    async def close(self) -> None:
        self.thaw()
        self.cut()
        if self.server is not None:
            self.server.close()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        await self.flowing.wait()
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.upstream_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.add(up_writer)
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(src, dst))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pipe(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError, ConnectionError):
            while data := await src.read(65536):
                await self.flowing.wait()
                dst.write(data)
                await dst.drain()
        with contextlib.suppress(Exception):
            dst.transport.abort()
