"""Under CI a missing data folder fails the run at once in one line (the real-data tests must not
skip there); elsewhere they skip and the run goes on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOME_TESTS = "tests/words/test_words_reports.py"  # quick, needs no data


def run_pytest(tmp_path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", SOME_TESTS], cwd=REPO,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "BREAKOUT_SHARED_DATA": str(tmp_path / "no-data"), **env})


def test_ci_without_the_data_fails_in_one_line(tmp_path):
    proc = run_pytest(tmp_path, CI="true")
    assert proc.returncode == 4
    assert proc.stdout == ""
    assert proc.stderr.strip() == (f"ERROR: CI needs the real price data: {tmp_path / 'no-data' / 'IWM.csv'} not found "
                                   "(put the data folder there, or set BREAKOUT_SHARED_DATA)")


def test_a_developer_without_the_data_runs_the_rest(tmp_path):
    proc = run_pytest(tmp_path, CI="")
    assert proc.returncode == 0, proc.stderr
    assert "passed" in proc.stdout.splitlines()[-1]
