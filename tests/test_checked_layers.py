"""The layer contracts (import-linter, in pyproject.toml) hold for this code, and they bite: a copy
of the code with one forbidden import fails them, naming the import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (pip install -e '.[test]')")


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}  # the copy's packages, not the installed ones
    return subprocess.run([str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def test_the_layers_hold():
    out = lint(REPO)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


@pytest.mark.parametrize("module,line,broken", [
    ("bot/analysis/models.py", "import discord", "bot.analysis is not allowed to import discord"),
    ("bot/market/frames.py", "import bot.services.base", "bot.market is not allowed to import bot.services"),
    ("bot/analysis/performance.py", "import bot.store.db", "bot.analysis is not allowed to import bot.store"),
    ("cogs/meta.py", "import bot.store.db", "cogs is not allowed to import bot.store"),
])
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, line, broken):
    for part in ("bot", "cogs"):
        shutil.copytree(REPO / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / module, "a") as f:
        f.write(f"\n{line}  # injected by the test\n")
    out = lint(tmp_path)
    assert out.returncode != 0
    assert broken in " ".join(out.stdout.split()), out.stdout[-4000:]
