"""The layers, read from the source (every import statement, at the top or inside a function):

* the analysis returns data, never prose: ``bot/analysis`` imports nothing above it — no
  ``bot.words``, no ``bot.reports``, no charts, scan, store, app, CLI, cogs or discord;
* the words are pure: ``bot/words`` imports the standard library, itself and the data types of
  the analysis (models, event types, parameters) — no discord, pandas, store, market, charts,
  reports, scan, app or cogs.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

ANALYSIS_MAY_IMPORT = ("bot.analysis", "bot.errors", "bot.dates")
WORDS_MAY_IMPORT = ("bot.words", "bot.analysis.models", "bot.analysis.events.types", "bot.analysis.base.params")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            names.add(node.module or "")
            # `from bot.words import base` imports the module bot.words.base
            names.update(f"{node.module}.{a.name}" for a in node.names if node.module in ("bot", "bot.words"))
    return names


def within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def modules(package: str) -> list[Path]:
    found = sorted((REPO / package).rglob("*.py"))
    assert found, package
    return found


@pytest.mark.parametrize("path", modules("bot/analysis"), ids=lambda p: str(p.relative_to(REPO)))
def test_the_analysis_imports_nothing_above_it(path):
    ours = {n for n in imports_of(path) if n == "bot" or n.startswith(("bot.", "cogs")) or n.startswith("discord")}
    bad = sorted(n for n in ours if not within(n, ANALYSIS_MAY_IMPORT))
    assert bad == [], f"{path.relative_to(REPO)} imports {bad}"


@pytest.mark.parametrize("path", modules("bot/words"), ids=lambda p: str(p.relative_to(REPO)))
def test_the_words_import_only_the_stdlib_themselves_and_analysis_types(path):
    bad = sorted(n for n in imports_of(path) if n != "__future__" and n.split(".")[0] not in sys.stdlib_module_names
                 and not within(n, WORDS_MAY_IMPORT))
    assert bad == [], f"{path.relative_to(REPO)} imports {bad}"


def test_the_check_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from bot.words.events import event_reason\n    import discord\n")
    names = imports_of(bad)
    assert "bot.words.events" in names and "discord" in names
    assert not within("bot.words.events", ANALYSIS_MAY_IMPORT)
