"""One bot process of a sharded deployment, for tests/test_shard_processes.py (run as a script).

The real bot (``create_bot`` with the announcer cog) over the real store and discord.py's real
send path (tests/discord_harness.py); only Discord itself is a file: every message that
reaches "Discord" is appended to the JSONL file ``DISCORD_LOG`` (shared by all processes,
flushed and fsynced before the call returns), and a channel's history is read back from it.
The process connects its own shards' servers only, wakes the announcer (as its timer would)
until the day's scan is recorded and nothing of its shards is left to post, prints ``idle``
and waits for stdin to close.

Environment: the store (DATABASE_URL + BREAKOUT_DB_SCHEMA, or BREAKOUT_DB_PATH), BOT_SHARD_COUNT,
BOT_SHARD_IDS, and for the test: PRICES (CSV folder), DISCORD_LOG, GUILDS (comma-separated ids),
NOW (ISO time of the wake-ups), SCRIPT (ticker:date:kind,...; empty: the real engine), KILL_AFTER_POSTS
(SIGKILL itself right after that many posts reached Discord, before it can record them), KILL_AFTER_DMS (the
same counting members' DMs only), THREADS (1: the bot may open threads, so each breakout announcement gets one
and its follow-ups go there).

A member's DM is on no shard: any process may take it, so a process is done only when no DM of any server is
left to post either.

Intraday (INTRADAY_ROUNDS, comma-separated ISO times): the intraday watcher cog too, its quotes the
synthetic sessions of the price files' daily bars (tests/intraday_fakes.py); the process runs those
rounds first (each logged with whether this process watched it), logs ``rounds_done`` and waits for
PROCS processes' ``rounds_done`` before the close's wake-ups.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import date, datetime
from pathlib import Path

import discord

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd  # noqa: E402
from discord_harness import DM_OFFSET, DiscordHarness  # noqa: E402
from intraday_fakes import SyntheticIntraday  # noqa: E402
from scan_fakes import ScriptedEngine  # noqa: E402

from bot.app.client import create_bot  # noqa: E402
from bot.market.csvdir import CsvDirectoryProvider  # noqa: E402
from bot.market.price_file import read_price_file  # noqa: E402
from bot.market.service import MarketData  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store.db import Database  # noqa: E402
from bot.store.outbox import OutboxRepo  # noqa: E402
from bot.store.scan_runs import ScanRunRepo  # noqa: E402
from bot.store.shards import ShardSet  # noqa: E402

LOG = Path(os.environ["DISCORD_LOG"])


def log(entry: dict) -> None:
    with LOG.open("a") as f:
        f.write(json.dumps(entry) + "\n")
        f.flush()
        os.fsync(f.fileno())


def logged() -> list[dict]:
    return [json.loads(line) for line in LOG.read_text().splitlines() if line.strip()] if LOG.exists() else []


class LoggingProvider(CsvDirectoryProvider):
    """The CSV folder, each fetch written to the log (one fetch per ticker over all processes)."""

    async def fetch(self, tickers, start=None, end=None):
        log({"fetch": sorted(tickers), "pid": os.getpid()})
        return await super().fetch(tickers, start, end)


def guild_payload(h: DiscordHarness, guild_id: int) -> dict:
    data = h._guild_payload()
    data["id"] = str(guild_id)
    data["roles"][0]["id"] = str(guild_id)  # @everyone has the guild's id
    if os.environ.get("THREADS") == "1":
        perms = discord.Permissions(int(data["roles"][0]["permissions"]))
        perms.update(create_public_threads=True, send_messages_in_threads=True)
        data["roles"][0]["permissions"] = str(perms.value)
    channel = data["channels"][0]
    channel.update(id=str(guild_id + 1), guild_id=str(guild_id))
    return data


def install_discord_file(h: DiscordHarness, kill_after: int | None, *, dms_only: bool = False) -> None:
    recorder = h.bot.http.send_message
    posts = 0

    async def send_message(channel_id, *, params):
        nonlocal posts
        message = await recorder(channel_id, params=params)
        message = {**message, "channel_id": str(channel_id)}
        footer = (message["embeds"][0].get("footer") or {}).get("text", "") if message["embeds"] else ""
        log({"post": int(channel_id), "footer": footer, "message": message, "pid": os.getpid()})
        posts += 1 if int(channel_id) > DM_OFFSET or not dms_only else 0
        if kill_after is not None and posts >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)  # kill -9: posted, not yet marked sent
        return message

    async def logs_from(channel_id, limit, before=None, after=None, around=None):
        mine = [e["message"] for e in logged() if e.get("post") == int(channel_id)]
        return list(reversed(mine))[:limit]

    h.bot.http.send_message = send_message
    h.bot.http.logs_from = logs_from


class LoggingIntraday(SyntheticIntraday):
    async def fetch(self, tickers):
        log({"intraday_fetch": self.now.isoformat(), "tickers": sorted(tickers), "pid": os.getpid()})
        return await super().fetch(tickers)


async def intraday_rounds(bot, rounds) -> None:
    prices = Path(os.environ["PRICES"])
    tickers = os.environ.get("INTRADAY_TICKERS", "IWM").split(",")
    source = LoggingIntraday({t: read_price_file(prices / f"{t}.csv")[0] for t in tickers})
    watcher = bot.get_cog("IntradayWatcher")
    watcher.watch.prices = source
    watcher.follow_delay = 0.05  # the other process looks again this long after a round it did not watch
    for t in rounds:
        source.now = pd.Timestamp(t)
        report = await watcher.round(t)
        log({"round": t.isoformat(), "ran": bool(report and report.ran), "pid": os.getpid()})
    log({"rounds_done": os.getpid()})
    while len([e for e in logged() if "rounds_done" in e]) < int(os.environ.get("PROCS", "1")):
        await bot.get_cog("Announcer").wake(now=rounds[-1])  # post what the watcher queued meanwhile
        await asyncio.sleep(0.2)


async def main() -> None:
    settings = Settings.from_env(dotenv=False)
    shards = ShardSet(settings.shard_count, frozenset(settings.shard_ids))
    script = {}
    for item in filter(None, os.environ.get("SCRIPT", "").split(",")):
        ticker, day, kind = item.split(":")
        script[(ticker, date.fromisoformat(day))] = kind
    rounds = [datetime.fromisoformat(t) for t in filter(None, os.environ.get("INTRADAY_ROUNDS", "").split(","))]
    market = MarketData(LoggingProvider(os.environ["PRICES"]))
    db = Database(settings.store_target, schema=settings.db_schema)
    extensions = ("cogs.announcer", "cogs.intraday") if rounds else ("cogs.announcer",)
    bot = create_bot(settings, market=market, db=db, extensions=extensions)
    h = await DiscordHarness.start(bot, worker=min(settings.shard_ids) + 1)  # ids of its own, as Discord's
    for gid in map(int, os.environ["GUILDS"].split(",")):
        if shards.holds(gid):  # Discord sends a process its own shards' servers only
            h.state._add_guild_from_data(guild_payload(h, gid))
    kill_after = os.environ.get("KILL_AFTER_POSTS") or os.environ.get("KILL_AFTER_DMS")
    install_discord_file(h, int(kill_after) if kill_after else None, dms_only=bool(os.environ.get("KILL_AFTER_DMS")))
    cog = bot.get_cog("Announcer")
    if script:
        cog.scanner.engine = ScriptedEngine(script)
    now = datetime.fromisoformat(os.environ["NOW"])
    print(f"started {bot.shard_ids} of {bot.shard_count}", flush=True)
    if rounds:
        await intraday_rounds(bot, rounds)
    while True:
        report = await cog.wake(now=now)
        if report is None:
            raise SystemExit("wake-up failed")
        scanned = await ScanRunRepo(db).last_session()
        left = [r for r in await OutboxRepo(db).pending(limit=10_000)
                if shards.holds(r.guild_id) or r.user_id is not None]
        if scanned is not None and scanned >= now.date() and not left:
            break
        await asyncio.sleep(0.2)  # the other process is scanning, or holds rows it is posting
    print("idle", flush=True)
    await asyncio.to_thread(sys.stdin.read)
    await h.close()


if __name__ == "__main__":
    asyncio.run(main())
