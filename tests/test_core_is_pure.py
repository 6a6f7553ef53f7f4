"""The core never imports discord: the CLI and any other face can use it without the bot."""

import subprocess
import sys

CORE = [
    "bot.market.service", "bot.market.cache", "bot.market.yahoo", "bot.market.csvdir",
    "bot.analysis.base", "bot.analysis.performance", "bot.analysis.events",
    "bot.charts.base_chart", "bot.charts.compare_chart", "bot.charts.price_chart",
    "bot.services.base", "bot.services.compare", "bot.services.perf", "bot.services.chart",
    "bot.services.history", "bot.services.watchlist", "bot.services.alerts", "bot.services.scan",
    "bot.services.source", "bot.services.composition",
    "bot.store.db", "bot.cli.chart_commands",
]


def test_core_modules_do_not_import_discord():
    code = (
        "import importlib, sys\n"
        f"for m in {CORE!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'discord' or m.startswith('discord.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"core pulled in discord: {out.stdout}"
