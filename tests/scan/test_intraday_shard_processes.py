"""The intraday watch over two bot processes, two shard sets, one store (each engine; PostgreSQL is
the real server at TEST_DATABASE_URL): one watch per round over all shards (the lease), each
server's notice and the close's reply posted once by the process holding its shard; and a process
killed (-9) right after its first notice reached the channel, before it was recorded: its
replacement posts nothing twice and the close settles the crossing. The processes are the real
bot (announcer and intraday watcher cogs) over discord.py's real send path
(tests/shard_process.py); "Discord" is a shared file; the quotes are IWM's synthetic session of
2023-12-26 built from its real daily bar."""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import date

import pytest
from bot_processes import BotProcess, run_until_idle
from intraday_fakes import session_of

from bot.analysis.events import EventEngine
from bot.analysis.intraday.session import round_times
from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.scanner import Scanner
from bot.store.guilds import GuildSettingsRepo
from bot.store.intraday_crossings import CrossingRepo
from bot.store.outbox import OutboxRepo
from bot.store.shards import shard_of
from bot.store.watchlist import WatchlistRepo

SHARDS = 4
GUILDS = [(n << 22) + 1_000_000_000_000_000_000 for n in range(4)]  # one server per shard
DAY = date(2023, 12, 26)
NOW = "2023-12-26T22:00:00+00:00"  # after the close: its scan settles the crossing


@pytest.fixture
async def deployment(store, shared_data, tmp_path):
    db = await store.open()
    for g in GUILDS:
        await GuildSettingsRepo(db).set_channel(g, g + 1)
        await WatchlistRepo(db).remove(g, ["MDY", "SPY", "QQQ"])
        await GuildSettingsRepo(db).set_intraday(g, True)
    await Scanner(db, MarketData(CsvDirectoryProvider(shared_data)), EventEngine()).run(as_of=date(2023, 12, 22))
    await db.close()
    start, end = session_of(DAY)
    rounds = ",".join(t.tz_convert("UTC").isoformat() for t in round_times(start, end))
    env = {**os.environ, **store.env, "PRICES": str(shared_data), "DISCORD_LOG": str(tmp_path / "discord.jsonl"),
           "GUILDS": ",".join(map(str, GUILDS)), "NOW": NOW, "SCRIPT": "", "BOT_SHARD_COUNT": str(SHARDS),
           "INTRADAY_ROUNDS": rounds, "INTRADAY_TICKERS": "IWM", "PROCS": "2",
           "MPLBACKEND": "Agg", "BREAKOUT_DATA_DIR": "", "DISCORD_TOKEN": "", "PYTHONUNBUFFERED": "1"}
    return env, tmp_path / "discord.jsonl"


def entries(log):
    return [json.loads(line) for line in log.read_text().splitlines()]


def posts_of(log, kind):
    return [e for e in entries(log) if "post" in e and f"|{kind}|" in e["footer"]]


async def test_one_watch_per_round_and_each_servers_notice_by_its_shards_process(deployment, store):
    env, log = deployment
    a, b = run_until_idle(env)
    rounds = [e for e in entries(log) if "round" in e]
    watched = Counter(e["round"] for e in rounds if e["ran"])
    assert set(Counter(e["round"] for e in rounds).values()) == {2}  # both processes woke for every round
    assert set(watched.values()) == {1} and len(watched) == len(set(e["round"] for e in rounds))  # one watch each
    fetches = [e for e in entries(log) if "intraday_fetch" in e]
    assert fetches and len({e["intraday_fetch"] for e in fetches}) == len(fetches)  # each round's quotes once
    by_pid = {a.proc.pid: {0, 1}, b.proc.pid: {2, 3}}
    for kind in ("intraday", "intraday:settle"):
        sent = posts_of(log, kind)
        assert sorted(e["post"] for e in sent) == sorted(g + 1 for g in GUILDS)  # each server once
        assert all(shard_of(e["post"] - 1, SHARDS) in by_pid[e["pid"]] for e in sent)  # by its shard's process
    db = await store.open()
    (crossing,) = await CrossingRepo(db).of_session(DAY)
    assert crossing.outcome == "confirmed"
    assert all(r.sent_at for r in await OutboxRepo(db).rows())


async def test_a_process_killed_after_its_notice_posted_is_replaced_and_nothing_doubles(deployment, store):
    env, log = deployment
    a = BotProcess(env, "0,1", KILL_AFTER_POSTS="1")  # dies right after its first post (its first notice)
    b = BotProcess(env, "2,3")
    replacement = None
    try:
        assert not a.wait_for("idle")
        code_a, _ = a.stop()
        assert code_a == -9
        replacement = BotProcess(env, "0,1")
        assert replacement.wait_for("idle") and b.wait_for("idle")
    finally:
        for p in (a, b, replacement):
            if p is not None and p.proc.poll() is None:
                p.stop()
    code_r, err_r = replacement.stop()
    assert code_r == 0, err_r[-3000:]
    notices = posts_of(log, "intraday")
    assert sorted(e["post"] for e in notices) == sorted(g + 1 for g in GUILDS)  # nothing doubled, nothing lost
    assert len([e for e in notices if e["pid"] == a.proc.pid]) == 1
    replies = posts_of(log, "intraday:settle")
    assert sorted(e["post"] for e in replies) == sorted(g + 1 for g in GUILDS)  # settled at the close
    db = await store.open()
    rows = [r for r in await OutboxRepo(db).rows() if r.kind.startswith("intraday")]
    assert len(rows) == 2 * len(GUILDS) and all(r.sent_at for r in rows)
