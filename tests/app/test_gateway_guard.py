"""A malformed gateway event is skipped, not fatal (issue 25): fake gateway frames read by
discord.py's own DiscordWebSocket.poll_event (and, sharded, the library's Shard worker) with
the bot's real connection state."""

from __future__ import annotations

import asyncio
import json
import logging

import aiohttp
import discord
import pytest
from discord.gateway import DiscordWebSocket
from discord.shard import EventType, Shard
from discord.utils import time_snowflake, utcnow
from discord_harness import CHANNEL_ID, GUILD_ID, FailingProvider

from bot.errors import DataSourceError
from bot.market.service import MarketData
from bot.settings import Settings

EXTENSIONS = ("cogs.watch",)


@pytest.fixture
def market():
    return MarketData(FailingProvider(DataSourceError("offline")))  # no prices needed here


class FakeSocket:
    """The gateway's aiohttp socket: hands out the queued frames, then the connection ends."""

    closed = False
    close_code = None

    def __init__(self, frames: list[dict]):
        self.frames = [json.dumps(f) for f in frames]

    async def receive(self, timeout=None):
        if not self.frames:
            raise asyncio.CancelledError  # the test is over: the worker stops here
        return aiohttp.WSMessage(aiohttp.WSMsgType.TEXT, self.frames.pop(0), None)

    async def close(self, *, code=1000, message=b""):
        self.closed = True


def message_create(seq: int, content: str, *, roles) -> dict:
    author = {"id": "42", "username": "trader", "discriminator": "0", "avatar": None, "global_name": "trader"}
    return {"op": 0, "t": "MESSAGE_CREATE", "s": seq, "d": {
        "id": str(time_snowflake(utcnow()) + seq), "channel_id": str(CHANNEL_ID), "guild_id": str(GUILD_ID),
        "author": author, "member": {"roles": roles, "joined_at": utcnow().isoformat(), "deaf": False,
                                     "mute": False, "flags": 0},
        "content": content, "timestamp": utcnow().isoformat(), "edited_timestamp": None, "tts": False,
        "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "pinned": False, "type": 0, "flags": 0}}


# the frame: member.roles held role objects instead of ids
BAD = message_create(7, "bad", roles=[{"id": "1", "name": "Traders"}])
GOOD = message_create(8, "good", roles=[])


def websocket(bot, frames) -> DiscordWebSocket:
    """A DiscordWebSocket wired to the bot as ``DiscordWebSocket.from_client`` wires it."""
    ws = DiscordWebSocket(FakeSocket(frames), loop=asyncio.get_running_loop())
    ws.token = "t"
    ws._connection = bot._connection
    ws._discord_parsers = bot._connection.parsers
    ws._dispatch = bot.dispatch
    ws.call_hooks = bot._connection.call_hooks
    ws.shard_id = None
    ws._max_heartbeat_timeout = 60.0
    return ws


def listen(bot) -> list[str]:
    seen: list[str] = []

    async def on_message(message: discord.Message) -> None:
        seen.append(message.content)

    bot.add_listener(on_message)
    return seen


async def test_the_library_alone_raises_on_that_event(make_harness, market):
    h = await make_harness(market, extensions=EXTENSIONS)
    parser = h.bot._connection.parsers["MESSAGE_CREATE"]
    with pytest.raises(TypeError):
        parser.__wrapped__(BAD["d"])  # discord.py's own parser, unguarded: this ended the process


async def test_a_bad_event_is_skipped_with_one_line_and_the_next_is_dispatched(make_harness, market, caplog):
    h = await make_harness(market, extensions=EXTENSIONS)
    seen = listen(h.bot)
    ws = websocket(h.bot, [BAD, GOOD])
    with caplog.at_level(logging.DEBUG, logger="bot.app.gateway_guard"):
        await ws.poll_event()  # the bad one: no exception out of the gateway
        await ws.poll_event()
    await h.settle()
    assert seen == ["good"] and ws.sequence == 8
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "MESSAGE_CREATE" in errors[0].getMessage() and "TypeError" in errors[0].getMessage()
    assert errors[0].exc_info is None  # the traceback is for -v only
    assert any(r.levelno == logging.DEBUG and r.exc_info for r in caplog.records)


async def test_a_sharded_bot_keeps_its_shard(make_harness, market):
    """AutoShardedClient turns a worker's exception into EventType.terminate: close and raise.
    With the guard the shard's worker reads on past the bad event."""
    h = await make_harness(market, settings=Settings(token="t", shard_count=2, shard_ids=(0,)), extensions=EXTENSIONS)
    seen = listen(h.bot)
    queued = []
    ws = websocket(h.bot, [BAD, GOOD])
    ws.shard_id = 0
    h.bot._reconnect = True  # set by AutoShardedClient.connect, which the test does not run
    shard = Shard(ws, h.bot, queued.append)
    await shard.worker()
    await h.settle()
    assert seen == ["good"]
    assert [item.type for item in queued if item.type == EventType.terminate] == []
    assert h.bot._connection.parsers["READY"].__name__ != "parse"  # READY stays the library's own
