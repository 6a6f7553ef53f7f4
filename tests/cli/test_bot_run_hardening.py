"""``run`` in the situations a fresh user meets: .env in the working folder, no voice
libraries, logs piped to a file, a crash inside a gateway event, a broken database."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import subprocess
import sys
import threading

import discord
import pytest
from fakes import FAKE_TOKEN

from bot.app.logging_setup import PLAIN, formatter_for
from bot.cli import main
from bot.cli.run_command import run_bot
from bot.settings import Settings


def test_dotenv_is_read_from_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("BREAKOUT_DB_PATH=from-dotenv.sqlite3\nBOT_PREFIX=?\n")
    monkeypatch.delenv("BREAKOUT_DB_PATH", raising=False)
    monkeypatch.delenv("BOT_PREFIX", raising=False)
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env()
    assert str(settings.db_path) == "from-dotenv.sqlite3" and settings.prefix == "?"


def test_the_environment_wins_over_dotenv(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("BOT_PREFIX=?\n")
    monkeypatch.setenv("BOT_PREFIX", "$")
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env().prefix == "$"


def test_no_voice_library_warning_at_start():
    script = ("import logging; logging.basicConfig(level=logging.INFO)\n"
              "from bot.app.client import create_bot\n"
              "from bot.settings import Settings\n"
              "create_bot(Settings(), market=None, db=None)\n"
              "print('built')\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "built", proc.stderr
    assert "PyNaCl" not in proc.stderr and "davey" not in proc.stderr and "voice" not in proc.stderr


def test_logs_have_colours_only_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert formatter_for(io.StringIO()) is PLAIN
    assert formatter_for(Terminal()) is not PLAIN
    record = logging.LogRecord("discord.gateway", logging.INFO, __file__, 1, "hello", None, None)
    assert "\x1b[" not in formatter_for(io.StringIO()).format(record)
    assert "\x1b[" in formatter_for(Terminal()).format(record)


def test_piped_run_logs_are_plain_and_a_gateway_crash_shows_its_traceback(
        fake_discord, monkeypatch, shared_data, tmp_path, capsys):
    async def connect(self, *, reconnect=True):
        async def on_thing():
            raise ZeroDivisionError("boom in an event")

        self.add_listener(on_thing, "on_thing")
        self.dispatch("thing")
        await asyncio.sleep(0.05)

    monkeypatch.setattr(discord.Client, "connect", connect)
    settings = Settings(token=FAKE_TOKEN, db_path=tmp_path / "bot.sqlite3", data_dir=shared_data)
    assert run_bot(settings) == 0
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "ZeroDivisionError: boom in an event" in err
    assert "\x1b[" not in err


def test_run_with_a_corrupt_database_is_one_line_and_leaves_no_thread(
        fake_discord, monkeypatch, shared_data, tmp_path, capsys):
    db = tmp_path / "junk.sqlite3"
    db.write_bytes(os.urandom(4096))
    monkeypatch.setenv("DISCORD_TOKEN", FAKE_TOKEN)
    monkeypatch.setenv("BREAKOUT_DB_PATH", str(db))
    monkeypatch.setenv("BREAKOUT_DATA_DIR", str(shared_data))
    before = {t.ident for t in threading.enumerate()}
    assert main(["run"]) == 1
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert errors == [f"error: The database {db} cannot be used (file is not a database): move it away "
                      "or set BREAKOUT_DB_PATH to another file."]
    assert "Traceback" not in err and FAKE_TOKEN not in err
    # the database's worker thread ends (it may still be finishing on a busy machine: 2 s, the
    # exit bound the issue sets)
    leftover = [t for t in threading.enumerate() if t.ident not in before and not t.daemon]
    for t in leftover:
        t.join(timeout=2)
    assert [t for t in leftover if t.is_alive()] == []


@pytest.mark.parametrize("ids, message", [
    ("0,5", "BOT_SHARD_IDS [5] out of range: with BOT_SHARD_COUNT=4 shards are 0-3."),
    ("one", "BOT_SHARD_IDS must list shard numbers like 0,1 or 0-3, not 'one'."),
])
def test_bad_shard_settings_are_one_line(monkeypatch, capsys, ids, message):
    monkeypatch.setenv("DISCORD_TOKEN", FAKE_TOKEN)
    monkeypatch.setenv("BOT_SHARD_COUNT", "4")
    monkeypatch.setenv("BOT_SHARD_IDS", ids)
    assert main(["run"]) == 1
    assert capsys.readouterr().err.splitlines() == [f"error: {message}"]


def test_shard_ranges_and_lists():
    s = Settings.from_env({"BOT_SHARD_COUNT": "8", "BOT_SHARD_IDS": "0-2, 6"}, dotenv=False)
    assert (s.shard_count, s.shard_ids) == (8, (0, 1, 2, 6))
