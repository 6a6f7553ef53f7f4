"""Members' DMs delivered by real bot processes (tests/shard_process.py) over one store, on
each engine (PostgreSQL is the real server at TEST_DATABASE_URL): two shard processes post
every DM exactly once (a DM is on no shard: either process may take it) beside the servers'
announcements; and a process killed with SIGKILL right after a DM reached "Discord" and before
it recorded it, whose replacements post nothing twice and lose nothing. "Discord" is the
shared file the processes append to; a member's DM history is read back from it."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from bot_processes import BREAKOUT_DAY, DAY_BEFORE, GUILDS, BotProcess, deploy, posts, run_until_idle
from discord_harness import DM_OFFSET

from bot.store.db import Database
from bot.store.outbox import OutboxRepo
from bot.store.personal_alerts import PersonalAlertRepo

BREAKOUT_MEMBERS = {g: 7_000 + n for n, g in enumerate(GUILDS)}  # one per server: "IWM breakout"
LEVEL_MEMBERS = {g: 8_000 + n for n, g in enumerate(GUILDS) if n % 2 == 0}  # SPY crossing a level
KEY = re.compile(r"([A-Z]+)\|[^|@\s]+@(\d+)\|(\w+)\|(\d{4}-\d\d-\d\d)")


@pytest.fixture
async def deployment(store, tmp_path):
    """The shard tests' deployment, with members' alerts set after the day before's scan: one
    breakout alert on IWM per server, and in every other server a level on SPY that the
    breakout day's close crosses."""
    env, log = await deploy(store, tmp_path)
    spy = pd.read_csv(tmp_path / "prices" / "SPY.csv", index_col=0, parse_dates=True)["Close"]
    before, after = float(spy.loc[str(DAY_BEFORE)]), float(spy.loc[str(BREAKOUT_DAY)])
    kind = "above" if after > before else "below"
    db = await store.open()
    repo = PersonalAlertRepo(db)
    for g, member in BREAKOUT_MEMBERS.items():
        await repo.add(g, member, "IWM", "breakout")
    for g, member in LEVEL_MEMBERS.items():
        await repo.add(g, member, "SPY", kind, round((before + after) / 2, 2))
    await db.close()
    return env, log


def expected_dms() -> list[tuple[int, str, str, str]]:
    """(member, ticker, kind, day) of every DM the breakout day owes."""
    day = BREAKOUT_DAY.isoformat()
    out = [(m, "IWM", "breakout", day) for m in BREAKOUT_MEMBERS.values()]
    out += [(m, "SPY", kind, day) for m in LEVEL_MEMBERS.values() for kind in ("above", "below")]
    return out


def dms(entries) -> list[tuple[int, str, str, str]]:
    """(member, ticker, kind, day) of each DM that reached Discord, read from its footer's key."""
    out = []
    for e in entries:
        if e["post"] > DM_OFFSET:
            ticker, member, kind, day = KEY.search(e["footer"]).groups()
            assert int(member) == e["post"] - DM_OFFSET  # in that member's DM, no one else's
            out.append((int(member), ticker, kind, day))
    return out


def announcements(entries) -> list[tuple[int, str]]:
    return [(e["post"], e["footer"].split("|")[0].split()[-1]) for e in entries if e["post"] < DM_OFFSET]


async def check_delivered(store, log) -> list[dict]:
    """Every DM owed reached Discord once, every announcement once, every row is marked sent;
    the level alerts are gone and the breakout alerts stay. Returns what reached Discord."""
    sent = posts(log)
    got = dms(sent)
    assert len(got) == len(set(got)), "a DM was posted twice"
    owed = {(m, t, k, d) for m, t, k, d in expected_dms()}
    assert set(got) <= owed and {(m, t) for m, t, _, _ in got} == {(m, t) for m, t, _, _ in owed}
    assert sorted(announcements(sent)) == sorted((g + 1, t) for g in GUILDS for t in ("IWM", "SPY"))
    db: Database = await store.open()
    try:
        rows = await OutboxRepo(db).rows()
        assert len([r for r in rows if r.user_id is not None]) == len(got)
        assert all(r.sent_at is not None for r in rows)
        repo = PersonalAlertRepo(db)
        for g, member in BREAKOUT_MEMBERS.items():
            assert [a.kind for a in await repo.list(g, member)] == ["breakout"]
        for g, member in LEVEL_MEMBERS.items():
            assert await repo.list(g, member) == []  # fired once, then removed
    finally:
        await db.close()
    return sent


async def test_two_shard_processes_post_every_dm_exactly_once(deployment, store):
    env, log = deployment
    a, b = run_until_idle(env)
    sent = await check_delivered(store, log)
    assert {e["pid"] for e in sent} <= {a.proc.pid, b.proc.pid}


async def test_a_process_killed_after_a_dm_before_recording_it_neither_loses_nor_repeats(deployment, store):
    env, log = deployment
    # one process for every shard, so it takes the DMs and dies right after the first reached Discord
    first = BotProcess(env, "0,1,2,3", KILL_AFTER_DMS="1")
    try:
        assert not first.wait_for("idle")
    finally:
        code, _ = first.stop()
    assert code == -9
    (killed,) = [e for e in posts(log) if e["post"] > DM_OFFSET]  # its one DM, never recorded as sent
    db = await store.open()
    row = next(r for r in await OutboxRepo(db).rows() if r.user_id == killed["post"] - DM_OFFSET)
    await db.close()
    assert row.sent_at is None and row.attempts == 1
    # the restart: two shard processes, either of which may find the DM already posted
    replacements = [BotProcess(env, "0,1"), BotProcess(env, "2,3")]
    try:
        idle = [p.wait_for("idle") for p in replacements]
    finally:
        stopped = [p.stop() for p in replacements]
    assert all(idle) and [code for code, _ in stopped] == [0, 0], "".join(err[-3000:] for _, err in stopped)
    sent = await check_delivered(store, log)
    assert [e for e in sent if e["post"] > DM_OFFSET][0] == killed  # the killed process's DM stands alone
    assert len([e for e in sent if e["pid"] == first.proc.pid and e["post"] > DM_OFFSET]) == 1
