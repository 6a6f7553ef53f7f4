"""Two bot processes, two shard sets, one store (each engine; PostgreSQL is the real server at
TEST_DATABASE_URL): one scan for both, every announcement posted once by the process holding
its server's shard; and a process killed (-9) mid-delivery, whose replacement finishes the job
with nothing lost or doubled. The processes are the real bot over discord.py's real send path
(tests/shard_process.py); "Discord" is a shared file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bot_processes import BREAKOUT_DAY, DAY_BEFORE, GUILDS, SHARDS, BotProcess, deploy, posts, run_until_idle

from bot.store.outbox import OutboxRepo
from bot.store.scan_runs import ScanRunRepo
from bot.store.shards import shard_of
from bot.store.watchlist import DEFAULT_WATCHLIST


@pytest.fixture
async def deployment(store, tmp_path):
    return await deploy(store, tmp_path)


def scan_fetches(log: Path) -> list[list[str]]:
    """The batched fetches (the scan's); a chart of one announced ticker fetches it alone (in
    production the shared price cache answers those)."""
    return [e["fetch"] for e in map(json.loads, log.read_text().splitlines()) if len(e.get("fetch", ())) > 1]


def expected_posts() -> set[tuple[int, str]]:
    return {(g + 1, t) for g in GUILDS for t in ("IWM", "SPY")}


def posted(entries) -> list[tuple[int, str]]:
    return [(e["post"], e["footer"].split("|")[0].split()[-1]) for e in entries]


async def all_sent(store) -> bool:
    db = await store.open()
    rows = await OutboxRepo(db).rows()
    runs = await ScanRunRepo(db).recent()
    await db.close()
    return len(rows) == len(expected_posts()) and all(r.sent_at for r in rows), [r.session_date for r in runs]


async def test_two_shard_processes_share_one_scan_and_post_each_announcement_once(deployment, store):
    env, log = deployment
    a, b = run_until_idle(env)
    sent = posts(log)
    assert sorted(posted(sent)) == sorted(expected_posts())  # every announcement, once
    by_pid = {a.proc.pid: {0, 1}, b.proc.pid: {2, 3}}
    assert all(shard_of(e["post"] - 1, SHARDS) in by_pid[e["pid"]] for e in sent)  # by its shard's process
    assert scan_fetches(log) == [sorted(DEFAULT_WATCHLIST)]  # one scan over both processes: each ticker fetched once
    done, sessions = await all_sent(store)
    assert done and sessions == [BREAKOUT_DAY, DAY_BEFORE]


async def test_a_process_killed_mid_delivery_is_replaced_with_nothing_lost_or_doubled(deployment, store):
    env, log = deployment
    a = BotProcess(env, "0,1", KILL_AFTER_POSTS="3")  # dies right after its 3rd post reached Discord
    b = BotProcess(env, "2,3")
    try:
        assert not a.wait_for("idle")  # it never gets there
        code_a, _ = a.stop()
        assert code_a == -9
        replacement = BotProcess(env, "0,1")
        assert replacement.wait_for("idle") and b.wait_for("idle")
    finally:
        for p in (a, b, locals().get("replacement")):
            if p is not None and p.proc.poll() is None:
                p.stop()
    code_r, err_r = replacement.stop()
    assert code_r == 0, err_r[-3000:]
    sent = posts(log)
    assert sorted(posted(sent)) == sorted(expected_posts())  # nothing lost, nothing twice
    assert len([e for e in sent if e["pid"] == a.proc.pid]) == 3
    done, _ = await all_sent(store)
    assert done
