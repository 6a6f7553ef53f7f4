"""The XNYS calendar beyond exchange_calendars' default window (20 years back, 1 year ahead).

A bot that runs for more than a year, or a clock/date past the default window, used to
crash (DateOutOfBounds from the price cache) or treat holidays as sessions (schedule).
"""

from datetime import date, datetime, timedelta, timezone

import pandas as pd
from fakes import FakeProvider, synthetic_daily

from bot.market import calendar
from bot.market.cache import PriceCache
from bot.market.service import MarketData
from bot.scan import schedule
from bot.store.db import Database


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_far_future_holidays_and_half_days_are_known():
    # Thanksgiving 2030 (28 Nov) is closed, the day after closes at 13:00 New York.
    for is_session in (calendar.is_session, schedule.is_trading_day):
        assert not is_session(date(2030, 11, 28))
        assert not is_session(date(2030, 12, 25))
        assert is_session(date(2030, 11, 29))
    assert schedule.session_close(date(2030, 11, 29)) == utc(2030, 11, 29, 18, 0)
    assert calendar.session_close(date(2030, 11, 29)) == pd.Timestamp("2030-11-29 18:00", tz="UTC")
    # the scan after Wednesday's close is followed by Friday's half-day one
    assert schedule.next_run_time(utc(2030, 11, 27, 22)) == utc(2030, 11, 29, 18, 20)


def test_final_and_current_sessions_far_ahead():
    assert calendar.last_final_session(utc(2030, 12, 2, 15)) == date(2030, 11, 29)  # Monday morning
    assert calendar.current_session(utc(2030, 12, 2, 15)) == date(2030, 12, 2)
    assert calendar.last_final_session(utc(2030, 12, 2, 21, 30)) == date(2030, 12, 2)


def test_old_sessions_are_known():
    # 11 Sep 2001 (markets closed) is before the default 20-year window of 2026
    assert not calendar.is_session(date(2001, 9, 11))
    assert not schedule.is_trading_day(date(2001, 9, 11))
    assert calendar.sessions_between(date(2001, 9, 10), date(2001, 9, 18)) == [date(2001, 9, 10), date(2001, 9, 17),
                                                                               date(2001, 9, 18)]


async def test_cache_works_with_a_clock_years_ahead(tmp_path):
    provider = FakeProvider({"AAA": synthetic_daily(start="2029-01-02", end="2030-11-29")})
    clock = lambda: utc(2030, 11, 30, 16)  # noqa: E731 - Saturday after the half day
    async with Database(tmp_path / "c.sqlite3") as db:
        market = MarketData(provider, PriceCache(db, clock=clock))
        df = await market.history("AAA", start=date(2030, 1, 2))
        await market.history("AAA", start=date(2030, 1, 2))
    assert df.index[-1] == pd.Timestamp("2030-11-29")
    assert len(provider.calls) == 1  # Friday's bar was final when fetched


def test_final_at_is_when_last_final_session_reaches_the_day():
    """A fetch at t holds the bars through day d as final exactly when t >= final_at(d): each
    hour over weeks with a holiday (2024-07-04), a half day (07-03) and weekends."""
    days = [date(2024, 6, 28) + timedelta(days=k) for k in range(12)]  # sessions and non-sessions
    times = pd.date_range("2024-06-28 00:00", "2024-07-12 23:00", freq="1h", tz="UTC")
    for d in days:
        edge = calendar.final_at(d)
        for t in times:
            assert (calendar.last_final_session(t.to_pydatetime()) >= d) == (t >= edge), (d, t)
    assert calendar.final_at(date(2024, 7, 3)) == pd.Timestamp("2024-07-03 17:20", tz="UTC")  # 13:00 ET + 20 min
