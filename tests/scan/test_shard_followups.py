"""Follow-ups exactly once with real processes (issue 22), each store engine: two bot processes
(two shard sets, one store) post the announcements with their threads, then the next session's
follow-ups, each once by the process holding its server's shard; and a process killed (-9) right
after a follow-up reached its thread and before it was recorded, whose replacement finds it there
and posts nothing twice and loses nothing. The processes are the real bot over discord.py's real
send path (tests/shard_process.py); "Discord" is a shared file."""

from __future__ import annotations

import re

import pytest
from bot_processes import GUILDS, SCRIPT, SHARDS, BotProcess, deploy, posts, run_until_idle

from bot.store.outbox import OutboxRepo
from bot.store.shards import shard_of

NEXT_CLOSE = "2026-11-19T21:30:00+00:00"  # the session after the breakout (bot_processes.NOW is its close)
KEY = re.compile(r"[A-Z]+\|\S+\|fu:\w+\|\d{4}-\d{2}-\d{2}")


def followup_posts(log) -> list[dict]:
    """The follow-ups that reached Discord: (where, key, process)."""
    out = []
    for e in posts(log):
        m = KEY.search(e["footer"])
        if m:
            out.append({"where": e["post"], "key": m.group(0), "pid": e["pid"]})
    return out


@pytest.fixture
async def announced(store, tmp_path):
    """Servers on every shard with alerts and follow-ups on (default watchlist); the breakout of
    the 18th announced by two shard processes, each announcement with its thread."""
    env, log = await deploy(store, tmp_path)
    env["THREADS"] = "1"
    run_until_idle(env)
    db = await store.open()
    threads = {(r.guild_id, r.ticker): r.thread_id for r in await OutboxRepo(db).rows() if r.kind == "breakout"}
    await db.close()
    assert len(threads) == len(GUILDS) * len(SCRIPT) and all(threads.values())
    assert len(set(threads.values())) == len(threads)  # each announcement its own thread
    assert not followup_posts(log)  # nothing to follow up yet
    return {**env, "NOW": NEXT_CLOSE}, log, threads


async def queued_followups(store) -> dict[tuple[int, str], tuple[int, bool]]:
    """Every follow-up row: (its announcement's thread, key) -> (server, sent)."""
    db = await store.open()
    rows = await OutboxRepo(db).rows()
    await db.close()
    threads = {(r.guild_id, r.ticker, r.base_id): r.thread_id for r in rows if r.kind == "breakout"}
    return {(threads[(r.guild_id, r.ticker, r.base_id.rsplit("/", 1)[0])], r.key): (r.guild_id, bool(r.sent_at))
            for r in rows if r.is_followup}


def check_each_once(log, queued) -> list[dict]:
    """Every queued follow-up reached its announcement's thread once (none lost, none twice) and
    is recorded as sent."""
    sent = followup_posts(log)
    assert sorted((p["where"], p["key"]) for p in sent) == sorted(queued)
    assert all(done for _, done in queued.values())
    return sent


async def test_two_shard_processes_post_each_follow_up_once_in_its_thread(announced, store):
    env, log, _ = announced
    a, b = run_until_idle(env)
    queued = await queued_followups(store)
    day1 = [k for _, k in queued if k.split("|")[2] == "fu:day1"]
    assert len(day1) == len(GUILDS) * len(SCRIPT)  # each server's thread of each breakout
    sent = check_each_once(log, queued)
    by_pid = {a.proc.pid: {0, 1}, b.proc.pid: {2, 3}}
    assert all(shard_of(queued[(p["where"], p["key"])][0], SHARDS) in by_pid[p["pid"]] for p in sent)


async def test_a_process_killed_after_posting_a_follow_up_is_replaced_with_nothing_lost_or_doubled(announced, store):
    env, log, _ = announced
    a, b = BotProcess(env, "0,1", KILL_AFTER_POSTS="3"), BotProcess(env, "2,3")  # dies right after its 3rd follow-up reached Discord
    replacement = None
    try:
        assert not a.wait_for("idle")  # it never gets there
        code_a, _ = a.stop()
        assert code_a == -9
        died = followup_posts(log)
        mine = [p for p in died if p["pid"] == a.proc.pid]
        assert len(mine) == 3
        queued = await queued_followups(store)
        assert not queued[(mine[-1]["where"], mine[-1]["key"])][1]  # posted, not recorded: the crash window
        replacement = BotProcess(env, "0,1")
        assert replacement.wait_for("idle") and b.wait_for("idle")
    finally:
        results = [p.stop() for p in (a, b, replacement) if p is not None and p.proc.poll() is None]
    assert all(code == 0 for code, _ in results), [err[-3000:] for _, err in results]
    sent = check_each_once(log, await queued_followups(store))
    assert not any(p["pid"] == replacement.proc.pid and (p["where"], p["key"]) == (mine[-1]["where"], mine[-1]["key"])
                   for p in sent)
