"""When the intraday watch runs: during the regular session only (exchange_calendars: a holiday
is no session, a half day closes at 13:00), every N minutes from the open (N from
BREAKOUT_INTRADAY_EVERY, 5 by default, never under 1), the last round at the close."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import pytest

from bot.market.calendar import NEW_YORK
from bot.services.intraday_watch import every_minutes, next_round, session_bounds
from bot.settings import Settings, SettingsError


def ny(text: str) -> datetime:
    return pd.Timestamp(text, tz=NEW_YORK).to_pydatetime()


def test_rounds_run_in_the_regular_session_only():
    assert session_bounds(ny("2023-12-26 10:35")) == (pd.Timestamp("2023-12-26 09:30", tz=NEW_YORK),
                                                       pd.Timestamp("2023-12-26 16:00", tz=NEW_YORK))
    assert session_bounds(ny("2023-12-26 09:29")) is None  # before the open
    assert session_bounds(ny("2023-12-26 16:01")) is None  # after the close
    assert session_bounds(ny("2023-12-25 11:00")) is None  # Christmas: no session
    assert session_bounds(ny("2023-12-23 11:00")) is None  # a Saturday
    half = session_bounds(ny("2023-11-24 12:00"))  # the day after Thanksgiving
    assert half[1] == pd.Timestamp("2023-11-24 13:00", tz=NEW_YORK)
    assert session_bounds(ny("2023-11-24 13:05")) is None


def test_next_round_every_n_minutes_from_the_open_the_last_at_the_close():
    assert next_round(ny("2023-12-26 10:32"), 5) == ny("2023-12-26 10:35")
    assert next_round(ny("2023-12-26 10:35"), 5) == ny("2023-12-26 10:40")  # strictly after
    assert next_round(ny("2023-12-26 08:00"), 5) == ny("2023-12-26 09:35")  # the first: one interval in
    assert next_round(ny("2023-12-26 15:58"), 7) == ny("2023-12-26 16:00")  # the close ends the last step
    assert next_round(ny("2023-12-22 16:30"), 5) == ny("2023-12-26 09:35")  # over the weekend and Christmas
    assert next_round(ny("2023-11-24 12:58"), 5) == ny("2023-11-24 13:00")  # a half day's close
    assert next_round(ny("2023-11-24 13:00"), 5) == ny("2023-11-27 09:35")
    assert next_round(datetime(2023, 12, 26, 15, 32, tzinfo=timezone.utc), 1) == ny("2023-12-26 10:33")


def test_the_interval_is_configurable_and_never_under_a_minute():
    assert every_minutes(None) == 5 and every_minutes(0) == 1 and every_minutes(15) == 15
    assert Settings.from_env({}).intraday_every == 5
    assert Settings.from_env({"BREAKOUT_INTRADAY_EVERY": "2"}).intraday_every == 2
    for bad in ("0", "0.5", "fast"):
        with pytest.raises(SettingsError):
            Settings.from_env({"BREAKOUT_INTRADAY_EVERY": bad})
