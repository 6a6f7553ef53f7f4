"""The composition root is bot.services.composition: no face builds a provider, a cache, the
database or the engine itself (a call rule; the import rules are import-linter contracts in
pyproject.toml, checked by tests/test_checked_layers.py and .ci/run)."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def sources(*parts: str) -> list[Path]:
    return sorted((REPO.joinpath(*parts)).rglob("*.py"))


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
