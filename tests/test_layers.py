"""The house plan, checked on the source (ast, nothing imported):

- cogs translate only: they import the services, the Discord helpers (bot.app) and the words,
  never the store, the market data, the analysis, pandas or aiosqlite; the CLI likewise;
- services never import discord or a face (bot.app, bot.cli, cogs);
- the core never imports the services.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

COG_FORBIDDEN = ("bot.store", "bot.market", "bot.analysis", "pandas", "aiosqlite", "numpy", "sqlite3")
# The scan machinery is reached through bot.services.scan; only its words modules are for faces.
SCAN_WORDS = ("bot.scan.alerts_status", "bot.scan.watchlist_text", "bot.scan.history_text",
              "bot.scan.watch_status", "bot.scan.announcement")
CLI_FORBIDDEN = ("bot.store", "bot.market", "bot.analysis", "bot.scan", "bot.charts", "pandas", "aiosqlite")
SERVICES_FORBIDDEN = ("discord", "bot.app", "bot.cli", "cogs")
CORE = ("analysis", "market", "charts", "store", "scan")


def imported_modules(path: Path) -> list[str]:
    """Every module a file imports (absolute names; ``from bot.scan import x`` gives both
    ``bot.scan`` and ``bot.scan.x``, since x may be a module)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def under(name: str, packages) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def sources(*parts: str) -> list[Path]:
    return sorted((REPO.joinpath(*parts)).rglob("*.py"))


@pytest.mark.parametrize("path", sources("cogs"), ids=lambda p: p.name)
def test_cogs_import_no_store_market_analysis_or_dataframes(path):
    bad = [n for n in imported_modules(path) if under(n, COG_FORBIDDEN)]
    assert not bad, f"{path.name} reaches past the services: {bad}"
    scan = [n for n in imported_modules(path)
            if under(n, ("bot.scan",)) and n != "bot.scan" and not under(n, SCAN_WORDS)]
    assert not scan, f"{path.name} uses the scan machinery directly (use bot.services.scan): {scan}"


@pytest.mark.parametrize("path", sources("bot", "cli"), ids=lambda p: p.name)
def test_the_cli_goes_through_the_services(path):
    # sqlite3 stays allowed: the CLI maps sqlite3.Error (an unusable database file) to one line
    bad = [n for n in imported_modules(path) if under(n, CLI_FORBIDDEN)]
    assert not bad, f"bot/cli/{path.name} reaches past the services: {bad}"


@pytest.mark.parametrize("path", sources("bot", "services"), ids=lambda p: p.name)
def test_services_import_no_discord_and_no_face(path):
    bad = [n for n in imported_modules(path) if under(n, SERVICES_FORBIDDEN)]
    assert not bad, f"bot/services/{path.name} imports a face: {bad}"


@pytest.mark.parametrize("package", CORE)
def test_core_never_imports_the_services(package):
    bad = {str(p.relative_to(REPO)): n for p in sources("bot", package) for n in imported_modules(p)
           if under(n, ("bot.services",))}
    assert not bad, f"core imports services: {bad}"


def test_the_cli_and_the_cogs_build_no_market_or_store_themselves():
    """The composition root is bot.services.composition: no face builds a provider or a database."""
    faces = sources("cogs") + sources("bot", "cli") + sources("bot", "app")
    builders = ("CsvDirectoryProvider", "YahooProvider", "PriceCache", "MarketData", "Database",
                "Scanner", "Sender", "EventEngine")
    found = []
    for path in faces:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in builders:
                found.append(f"{path.relative_to(REPO)}: {node.func.id}()")
    assert not found, found
