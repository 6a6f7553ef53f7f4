"""``python -m bot run``: no token -> one line; the token never reaches the logs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import discord
from fakes import FAKE_TOKEN

from bot.app.logging_setup import REDACTED, RedactSecret
from bot.cli.run_command import run_bot
from bot.services import composition
from bot.settings import Settings


def test_run_without_a_token_exits_2_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BOT_", "BREAKOUT_"))}
    env["DISCORD_TOKEN"] = ""  # set (empty) so no .env file can fill it in
    proc = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: DISCORD_TOKEN is not set:"), proc.stderr


def test_the_token_never_appears_in_logs(fake_discord, shared_data, tmp_path, caplog, capsys, monkeypatch):
    caplog.set_level(logging.DEBUG)
    frozen = []
    monkeypatch.setattr(composition, "freeze_long_lived", lambda: frozen.append(True))
    settings = Settings(token=FAKE_TOKEN, db_path=tmp_path / "bot.sqlite3", data_dir=shared_data)
    assert run_bot(settings, verbose=True) == 0
    assert fake_discord["token"] == FAKE_TOKEN  # the path really reached the login
    assert "cogs.charts" in fake_discord["extensions"]  # and setup_hook ran
    assert frozen == [True]  # the bot froze its start-up heap once
    out, err = capsys.readouterr()
    assert "logging in using static token" in caplog.text and "pretending to connect" in err
    for text in (caplog.text, out, err):
        assert FAKE_TOKEN not in text
        assert FAKE_TOKEN[:20] not in text
    assert (tmp_path / "bot.sqlite3").exists()


def test_a_rejected_token_is_one_line(monkeypatch, shared_data, tmp_path, capsys):
    async def static_login(self, token):
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(discord.http.HTTPClient, "static_login", static_login)
    settings = Settings(token=FAKE_TOKEN, db_path=tmp_path / "bot.sqlite3", data_dir=shared_data)
    assert run_bot(settings) == 1
    out, err = capsys.readouterr()
    assert "error: Discord rejected the token" in err and FAKE_TOKEN not in out + err


def test_unreachable_discord_is_one_line(monkeypatch, shared_data, tmp_path, capsys):
    async def static_login(self, token):
        raise OSError("Cannot connect to host discord.com:443")

    monkeypatch.setattr(discord.http.HTTPClient, "static_login", static_login)
    settings = Settings(token=FAKE_TOKEN, db_path=tmp_path / "bot.sqlite3", data_dir=shared_data)
    assert run_bot(settings) == 1
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line.startswith("error:")]  # logs share stderr
    assert len(errors) == 1 and errors[0].startswith("error: cannot reach Discord")
    assert "Traceback" not in err
    assert FAKE_TOKEN not in out + err


def test_redaction_filter_scrubs_messages_and_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "auth header %s", (FAKE_TOKEN,), None)
    assert RedactSecret(FAKE_TOKEN).filter(record)
    assert record.getMessage() == f"auth header {REDACTED}"
    try:
        raise ValueError(f"bad {FAKE_TOKEN}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    RedactSecret(FAKE_TOKEN).filter(record)
    assert FAKE_TOKEN not in logging.Formatter().format(record)
