"""Real bot processes for the shard tests (tests/shard_process.py run as a child): the
deployment they share (servers on every shard, the store primed the day before a breakout),
start one with its shard ids, read its stdout until a word, stop it; read what reached
"Discord" (the shared JSONL file the children append to)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

from scan_fakes import ScriptedEngine, write_csv_dir

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.scan.scanner import Scanner
from bot.store.guilds import GuildSettingsRepo
from bot.store.watchlist import DEFAULT_WATCHLIST

CHILD = Path(__file__).resolve().parent / "shard_process.py"
DEADLINE = 240  # seconds a process may take before the test gives up on it (it is then killed)
SHARDS = 4
GUILDS = [(n << 22) + 1_000_000_000_000_000_000 for n in range(8)]  # two servers per shard
DAY_BEFORE, BREAKOUT_DAY = date(2026, 11, 17), date(2026, 11, 18)
SCRIPT = {("IWM", BREAKOUT_DAY): "breakout", ("SPY", BREAKOUT_DAY): "breakout"}
NOW = "2026-11-18T21:30:00+00:00"  # after the 18th's close: its scan is due


async def deploy(store, tmp_path: Path) -> tuple[dict, Path]:
    """Servers on every shard with alerts on (default watchlist), engine states primed the day
    before the breakout (so the breakout is news); returns the environment of a bot process
    and the "Discord" file."""
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


def run_until_idle(env: dict) -> tuple[BotProcess, BotProcess]:
    """Processes for shards 0,1 and 2,3, run until both are idle, then stopped; fails unless both
    got there and exited cleanly."""
    a, b = BotProcess(env, "0,1"), BotProcess(env, "2,3")
    try:
        assert a.wait_for("idle") and b.wait_for("idle")
    finally:
        (code_a, err_a), (code_b, err_b) = a.stop(), b.stop()
    assert (code_a, code_b) == (0, 0), err_a[-3000:] + err_b[-3000:]
    return a, b


def posts(log: Path) -> list[dict]:
    """Every message that reached "Discord", in order (channel posts and DMs)."""
    return [e for e in map(json.loads, log.read_text().splitlines()) if "post" in e]
