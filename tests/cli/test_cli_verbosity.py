"""What reaches stderr: one line by default; -v adds the traceback and the libraries' lines;
-vv debug. A closed stdout pipe (``| head``) is no error."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from bot.cli import main


@pytest.fixture
def broken_base(monkeypatch):
    """``base`` whose report logs like yfinance would, then hits a bug."""

    async def make_base_report(*args, **kwargs):
        logging.getLogger("yfinance").error("IWM: possibly delisted; no price data found")
        return 1 / 0

    monkeypatch.setattr("bot.services.base.make_base_report", make_base_report)


def test_an_unexpected_error_is_one_line_without_v(broken_base, capsys, tmp_path):
    assert main(["base", "IWM", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == ["error: unexpected ZeroDivisionError: division by zero (run with -v for details)"]


def test_v_shows_the_traceback_and_the_libraries_lines(broken_base, capsys, tmp_path):
    assert main(["-v", "base", "IWM", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "ZeroDivisionError" in err
    assert "ERROR yfinance: IWM: possibly delisted" in err
    assert err.rstrip().splitlines()[-1] == "error: unexpected ZeroDivisionError: division by zero"
    assert " DEBUG " not in err


def test_vv_adds_debug_logs(broken_base, capsys, tmp_path):
    assert main(["-vv", "base", "IWM", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert " DEBUG asyncio: Using selector" in err and "Traceback" in err


def test_stdout_closed_by_its_reader_is_not_an_error(shared_data):
    proc = subprocess.Popen([sys.executable, "-m", "bot", "history", "XLC", "--data-dir", str(shared_data)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    proc.stdout.close()  # like `| head` exiting before the program writes
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert err == ""


def test_python_warnings_reach_stderr_only_with_v():
    script = ("import warnings\n"
              "from bot.cli import logs\n"
              "logs.configure(0); warnings.warn('hidden by default', FutureWarning)\n"
              "logs.configure(1); warnings.warn('shown with -v', FutureWarning)\n")
    proc = subprocess.run([sys.executable, "-W", "default", "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0
    assert "shown with -v" in proc.stderr and "hidden by default" not in proc.stderr
