"""The NYSE trading calendar (XNYS via exchange_calendars): sessions, closes, final bars."""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import exchange_calendars as xcals
import pandas as pd

# Yahoo's daily bar settles a little after the closing auction.
SETTLE = timedelta(minutes=20)
NEW_YORK = ZoneInfo("America/New_York")


# exchange_calendars' default window is 20 years back to ONE year ahead of the day the
# calendar is built: a bot up for a year would then crash (DateOutOfBounds) or take
# holidays for sessions. Holidays follow rules, so a wide window is cheap (~0.13 s once).
FIRST_DAY = "1990-01-01"
YEARS_AHEAD = 30


@lru_cache(maxsize=1)
def xnys():
    end = pd.Timestamp.today().normalize() + pd.DateOffset(years=YEARS_AHEAD)
    with warnings.catch_warnings():  # exchange_calendars trips a pandas 3 deprecation while building
        warnings.simplefilter("ignore")
        return xcals.get_calendar("XNYS", start=FIRST_DAY, end=end.strftime("%Y-%m-%d"))


def utc(now: datetime | None) -> pd.Timestamp:
    """``now`` (None: the clock) as a UTC Timestamp; a naive time is taken as UTC."""
    now = now or datetime.now(timezone.utc)
    ts = pd.Timestamp(now)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _in_range(ts: pd.Timestamp) -> bool:
    cal = xnys()
    return cal.first_session <= ts <= cal.last_session


def is_session(day: date) -> bool:
    """True on NYSE sessions (weekends and holidays are not). Outside the calendar's
    range (1990 to 30 years ahead) weekdays count as sessions."""
    ts = pd.Timestamp(day)
    if not _in_range(ts):
        return ts.weekday() < 5
    return bool(xnys().is_session(ts))


def session_close(day: date) -> pd.Timestamp:
    """UTC close of the session on ``day`` (13:00 ET on half days); outside the calendar's
    range, 16:00 New York time."""
    ts = pd.Timestamp(day)
    if not _in_range(ts):
        return (ts + pd.Timedelta(hours=16)).tz_localize(NEW_YORK).tz_convert("UTC")
    return xnys().session_close(ts)


def last_final_session(now: datetime | None = None) -> date:
    """The newest session whose daily bar is final at ``now`` (its close + settle has passed)."""
    cal = xnys()
    now_utc = utc(now)
    day = now_utc.tz_convert(NEW_YORK).date()
    ts = pd.Timestamp(day)
    session = cal.date_to_session(ts, direction="previous")
    if cal.session_close(session) + SETTLE > now_utc:
        session = cal.previous_session(session)
    return session.date()


def final_at(day: date) -> pd.Timestamp:
    """When the bar of the first session on or after ``day`` becomes final (its close + settle,
    UTC): ``last_final_session(t) >= day`` exactly when ``t >= final_at(day)``. Outside the
    calendar's range, weekdays count as sessions closing at 16:00 New York time."""
    ts = pd.Timestamp(day)
    if not _in_range(ts):
        while ts.weekday() >= 5:
            ts += pd.Timedelta(days=1)
        return session_close(ts.date()) + SETTLE
    return xnys().session_close(xnys().date_to_session(ts, direction="next")) + SETTLE


def current_session(now: datetime | None = None) -> date:
    """The session trading now or most recently traded (its bar may still be live)."""
    now_utc = utc(now)
    day = now_utc.tz_convert(NEW_YORK).date()
    cal = xnys()
    session = cal.date_to_session(pd.Timestamp(day), direction="previous")
    if cal.session_open(session) > now_utc:
        session = cal.previous_session(session)
    return session.date()


def sessions_between(start: date, end: date) -> list[date]:
    return [s.date() for s in xnys().sessions_in_range(pd.Timestamp(start), pd.Timestamp(end))]
