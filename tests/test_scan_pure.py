"""The scan/outbox core and the announcement store never import discord."""

import subprocess
import sys

CORE = ["bot.scan.scanner", "bot.scan.schedule", "bot.scan.delivery", "bot.words.announcements", "bot.scan.cycle",
        "bot.scan.watching", "bot.words.watchlist", "bot.store.guilds", "bot.store.watchlist",
        "bot.store.outbox", "bot.store.engine_states", "bot.store.scan_runs"]


def test_scan_core_does_not_import_discord():
    code = (
        "import importlib, sys\n"
        f"for m in {CORE!r}: importlib.import_module(m)\n"
        "print(','.join(sorted(m for m in sys.modules if m == 'discord' or m.startswith('discord.'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"scan core pulled in discord: {out.stdout}"
