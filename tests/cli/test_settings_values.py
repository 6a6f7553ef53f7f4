"""Settings that are wrong (issue 20 part 4): a non-numeric, negative, zero or nan value is one
line naming the setting and what it accepts, before anything starts — for every command."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError

FAKE_TOKEN = "x" * 59

BAD = [
    ("BREAKOUT_DATA_TIMEOUT", "abc"), ("BREAKOUT_DATA_TIMEOUT", "-1"), ("BREAKOUT_DATA_TIMEOUT", "nan"),
    ("BREAKOUT_DATA_TIMEOUT", "0"), ("BREAKOUT_DELIVERY_POLL", "abc"), ("BREAKOUT_DELIVERY_POLL", "inf"),
    ("BREAKOUT_CLAIM_SECONDS", "1e"), ("BREAKOUT_CLAIM_SECONDS", "-5"), ("BREAKOUT_DB_TIMEOUT", "nan"),
    ("BREAKOUT_DB_TIMEOUT", "ten"), ("BREAKOUT_RENDER_WORKERS", "two"), ("BREAKOUT_RENDER_WORKERS", "-1"),
    ("BREAKOUT_RENDER_WORKERS", "1.5"), ("BOT_DEV_GUILD_ID", "my-server"), ("BOT_OWNER_IDS", "123,abc"),
]


@pytest.mark.parametrize("name, value", BAD)
def test_a_bad_number_is_one_line_naming_the_setting(name, value):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({name: value}, dotenv=False)
    text = str(caught.value)
    assert text.startswith(f"{name} must be ") and repr(value) in text and "\n" not in text


@pytest.mark.parametrize("command", [["run"], ["base", "IWM"]])
@pytest.mark.parametrize("name, value", [("BREAKOUT_DATA_TIMEOUT", "abc"), ("BREAKOUT_DELIVERY_POLL", "abc"),
                                         ("BREAKOUT_CLAIM_SECONDS", "1e"), ("BREAKOUT_DB_TIMEOUT", "-1")])
def test_every_command_stops_before_starting_with_that_line(monkeypatch, capsys, tmp_path, command, name, value):
    monkeypatch.setenv("DISCORD_TOKEN", FAKE_TOKEN)
    monkeypatch.setenv("BREAKOUT_DB_PATH", str(tmp_path / "bot.sqlite3"))
    monkeypatch.setenv(name, value)
    assert main(command) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {name} must be ") and "Traceback" not in line
    assert not (tmp_path / "bot.sqlite3").exists()  # nothing started


def test_good_numbers_are_read():
    s = Settings.from_env({"BREAKOUT_DATA_TIMEOUT": " 7.5 ", "BREAKOUT_DELIVERY_POLL": "30",
                           "BREAKOUT_CLAIM_SECONDS": "90", "BREAKOUT_DB_TIMEOUT": "3",
                           "BREAKOUT_RENDER_WORKERS": "0", "BOT_DEV_GUILD_ID": "123", "BOT_OWNER_IDS": "1, 2;3"},
                          dotenv=False)
    assert (s.data_timeout, s.delivery_poll, s.claim_seconds, s.db_timeout) == (7.5, 30.0, 90.0, 3.0)
    assert (s.render_workers, s.dev_guild_id, s.owner_ids) == (0, 123, frozenset({1, 2, 3}))
    empty = Settings.from_env({}, dotenv=False)
    assert (empty.data_timeout, empty.render_workers, empty.dev_guild_id) == (20.0, None, None)
