"""Two bot processes, two shard sets, one store (each engine; PostgreSQL is the real server at
TEST_DATABASE_URL): one scan for both, every announcement posted once by the process holding
its server's shard; and a process killed (-9) mid-delivery, whose replacement finishes the job
with nothing lost or doubled. The processes are the real bot over discord.py's real send path
(tests/shard_process.py); "Discord" is a shared file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from scan_fakes import ScriptedEngine, write_csv_dir

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.scanner import Scanner
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo
from bot.store.scan_runs import ScanRunRepo
from bot.store.shards import shard_of
from bot.store.watchlist import DEFAULT_WATCHLIST

CHILD = Path(__file__).resolve().parents[1] / "shard_process.py"
SHARDS = 4
GUILDS = [(n << 22) + 1_000_000_000_000_000_000 for n in range(8)]  # two servers per shard
DAY_BEFORE, BREAKOUT_DAY = date(2026, 11, 17), date(2026, 11, 18)
SCRIPT = {("IWM", BREAKOUT_DAY): "breakout", ("SPY", BREAKOUT_DAY): "breakout"}
NOW = "2026-11-18T21:30:00+00:00"  # after the 18th's close: its scan is due
DEADLINE = 240  # seconds a process may take before the test gives up on it (it is then killed)


@pytest.fixture
async def deployment(store, tmp_path):
    """Servers on every shard with alerts on (default watchlist), engine states primed the day
    before the breakout (so the breakout is news); returns the environment of a bot process."""
    prices = write_csv_dir(tmp_path / "prices", list(DEFAULT_WATCHLIST))
    db = await store.open()
    for g in GUILDS:
        await GuildSettingsRepo(db).set_channel(g, g + 1)
    await Scanner(db, MarketData(CsvDirectoryProvider(prices)), ScriptedEngine(SCRIPT)).run(as_of=DAY_BEFORE)
    await db.close()
    script = ",".join(f"{t}:{d.isoformat()}:{k}" for (t, d), k in SCRIPT.items())
    env = {**os.environ, **store.env, "PRICES": str(prices), "DISCORD_LOG": str(tmp_path / "discord.jsonl"),
           "GUILDS": ",".join(map(str, GUILDS)), "NOW": NOW, "SCRIPT": script, "BOT_SHARD_COUNT": str(SHARDS),
           "MPLBACKEND": "Agg", "BREAKOUT_DATA_DIR": "", "DISCORD_TOKEN": "", "PYTHONUNBUFFERED": "1"}
    return env, tmp_path / "discord.jsonl"


class BotProcess:
    def __init__(self, env: dict, shard_ids: str, **extra):
        self.proc = subprocess.Popen([sys.executable, str(CHILD)], env={**env, "BOT_SHARD_IDS": shard_ids, **extra},
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self._timer = threading.Timer(DEADLINE, self.proc.kill)
        self._timer.start()

    def wait_for(self, word: str) -> bool:
        """Read stdout until ``word`` (True) or the end of the process (False)."""
        for line in self.proc.stdout:
            if line.strip() == word:
                return True
        return False

    def stop(self) -> tuple[int, str]:
        self._timer.cancel()
        if self.proc.poll() is None:
            self.proc.stdin.close()
        err = self.proc.stderr.read()
        return self.proc.wait(), err


def posts(log: Path) -> list[dict]:
    return [e for e in map(json.loads, log.read_text().splitlines()) if "post" in e]


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
    a, b = BotProcess(env, "0,1"), BotProcess(env, "2,3")
    try:
        assert a.wait_for("idle") and b.wait_for("idle")
    finally:
        code_a, err_a = a.stop()
        code_b, err_b = b.stop()
    assert (code_a, code_b) == (0, 0), err_a[-3000:] + err_b[-3000:]
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
