"""When to scan: after the US close on NYSE trading days (exchange_calendars XNYS).

Every datetime here is timezone-aware. A scan for a session is due ``SCAN_DELAY`` after that
session's real close (the price cache's settle time, so the bar it reads is final) — 16:00 New York
time, or 13:00 on half days (e.g. the day after Thanksgiving). The announcer wakes ``RUN_DELAY`` (20 min) after the close — 20:20Z in
summer, 21:20Z in winter — leaving a margin over the due time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from bot.market import calendar
from bot.market.calendar import NEW_YORK, SETTLE
from bot.market.calendar import is_session as is_trading_day

# The scan reads bars the price cache counts as final: never before they have settled.
SCAN_DELAY = SETTLE
RUN_DELAY = max(timedelta(minutes=20), SETTLE)
# Times of day the announcer wakes up (New York): after a half-day close and after a full one.
# Each wake-up scans only when a session's scan is due and not done yet.
WAKE_TIMES: tuple[time, ...] = (time(13, 20, tzinfo=NEW_YORK), time(16, 20, tzinfo=NEW_YORK))


def session_close(d: date) -> datetime:
    """The real close of session ``d`` (UTC, aware)."""
    return calendar.session_close(d).to_pydatetime().astimezone(timezone.utc)


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


def last_completed_session(now: datetime, *, delay: timedelta = SCAN_DELAY) -> date:
    """The newest session whose close + ``delay`` is at or before ``now``."""
    now = _aware(now)
    d = now.astimezone(NEW_YORK).date()
    for _ in range(30):
        if is_trading_day(d) and session_close(d) + delay <= now:
            return d
        d -= timedelta(days=1)
    raise RuntimeError(f"no trading session in the 30 days before {now}")


def next_run_time(now: datetime) -> datetime:
    """The first scheduled scan strictly after ``now``: a session's close + RUN_DELAY."""
    now = _aware(now)
    d = now.astimezone(NEW_YORK).date()
    for _ in range(30):
        if is_trading_day(d) and session_close(d) + RUN_DELAY > now:
            return session_close(d) + RUN_DELAY
        d += timedelta(days=1)
    raise RuntimeError(f"no trading session in the 30 days after {now}")


def missed_scan(last_scan_date: date | None, now: datetime) -> bool:
    """True when the newest session whose scan is due has not been scanned yet
    (also before the very first scan)."""
    due = last_completed_session(now)
    return last_scan_date is None or last_scan_date < due
