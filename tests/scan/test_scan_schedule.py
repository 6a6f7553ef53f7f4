from datetime import date, datetime, timezone

import pytest

from bot.scan.schedule import (
    is_trading_day,
    last_completed_session,
    missed_scan,
    next_run_time,
    session_close,
)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_dst_moves_the_utc_run_time():
    assert next_run_time(utc(2024, 7, 15, 12)) == utc(2024, 7, 15, 20, 20)  # EDT
    assert next_run_time(utc(2024, 12, 16, 12)) == utc(2024, 12, 16, 21, 20)  # EST


def test_weekends_and_holidays_are_skipped():
    assert not is_trading_day(date(2024, 7, 6)) and not is_trading_day(date(2024, 7, 7))
    assert not is_trading_day(date(2024, 7, 4))
    assert is_trading_day(date(2024, 7, 5))
    # Wednesday 3 July after the run -> Thursday 4th is a holiday -> Friday 5th
    assert next_run_time(utc(2024, 7, 3, 23)) == utc(2024, 7, 5, 20, 20)
    # Friday evening -> Monday
    assert next_run_time(utc(2024, 7, 12, 21)) == utc(2024, 7, 15, 20, 20)


def test_half_day_runs_after_the_one_pm_close():
    assert session_close(date(2024, 11, 29)) == utc(2024, 11, 29, 18, 0)  # 13:00 EST
    assert next_run_time(utc(2024, 11, 29, 12)) == utc(2024, 11, 29, 18, 20)
    assert last_completed_session(utc(2024, 11, 29, 18, 20)) == date(2024, 11, 29)
    assert last_completed_session(utc(2024, 11, 29, 18, 10)) == date(2024, 11, 27)  # Thanksgiving skipped


def test_last_completed_session_waits_for_the_close_plus_delay():
    # due once the bar has settled in the price cache (close + 20 min), so the scan reads a final bar
    assert last_completed_session(utc(2024, 7, 15, 20, 15)) == date(2024, 7, 12)
    assert last_completed_session(utc(2024, 7, 15, 20, 20)) == date(2024, 7, 15)
    assert last_completed_session(utc(2024, 7, 6, 15)) == date(2024, 7, 5)  # Saturday


def test_missed_scan_catch_up_logic():
    monday_morning = utc(2024, 7, 8, 14)
    assert missed_scan(None, monday_morning)  # never scanned
    assert missed_scan(date(2024, 7, 3), monday_morning)  # down over Friday's close
    assert not missed_scan(date(2024, 7, 5), monday_morning)  # Friday done, Monday not closed yet
    assert missed_scan(date(2024, 7, 5), utc(2024, 7, 8, 20, 20))  # Monday's scan is due
    assert not missed_scan(date(2024, 7, 3), utc(2024, 7, 5, 9))  # holiday: nothing new to scan


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        next_run_time(datetime(2024, 7, 15, 12))
