"""The next earnings date of a ticker: Yahoo's earnings calendar, or its offline twin, an
``earnings.csv`` (``ticker,date``, one row per report, any order) beside the price files.

- Yahoo (``yf.Ticker(symbol).calendar["Earnings Date"]``, Yahoo's quoteSummary
  ``calendarEvents``; one or two dates, two when Yahoo gives a range) runs in a daemon thread
  under a hard time bound (yfinance can hang for two minutes on a stalled network, see the
  stack notes). A ticker's answer is kept for the rest of the New York day; a failure is kept
  for an hour (the source is not asked again for every announcement meanwhile). Yahoo knows only
  the upcoming report, so it answers only for an ``after`` day within 5 days of today (a replay
  of the past gets nothing rather than a wrong date).
- The CSV file answers for any day: the first listed date on or after it.
- ETFs have no earnings: the known ETFs (:data:`bot.market.universes.ETFS`) are never looked up.

Every failure is logged for the operator and answered as "no date" (the line is left out):
earnings are evidence beside a signal, never a reason to fail one.
"""

from __future__ import annotations

import asyncio
import csv
import logging
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Protocol

from bot.market.calendar import NEW_YORK, sessions_between
from bot.market.daemon import in_daemon_thread
from bot.market.universes import ETFS
from bot.tickers import yahoo_symbol

log = logging.getLogger(__name__)

EARNINGS_FILE = "earnings.csv"
YAHOO_RECENT_DAYS = 5  # Yahoo answers for an `after` day at most this many days before today
FAILURE_RETRY_SECONDS = 3600.0
_ETFS = frozenset(ETFS)


class EarningsSource(Protocol):
    name: str

    async def next_earnings(self, ticker: str, after: date) -> date | None:
        """The first earnings date on or after ``after`` (None: none known)."""


def is_etf(ticker: str) -> bool:
    return ticker.upper() in _ETFS


def sessions_until(start: date, when: date) -> int:
    """NYSE sessions after ``start`` up to and including ``when`` (0 when ``when`` is ``start``
    or earlier): an earnings date 7 sessions away is the 7th session after the as-of day."""
    if when <= start:
        return 0
    return len(sessions_between(start + timedelta(days=1), when))


async def earnings_for(source: EarningsSource | None, ticker: str, as_of: date) -> tuple[date | None, int | None]:
    """(next earnings date on or after ``as_of``, sessions until it) or (None, None)."""
    if source is None or is_etf(ticker):
        return None, None
    when = await source.next_earnings(ticker, as_of)
    return (when, sessions_until(as_of, when)) if when is not None else (None, None)


# ---------------------------------------------------------------------------------------------


def read_earnings_csv(path: str | Path) -> dict[str, tuple[date, ...]]:
    """{TICKER: sorted dates} from a ``ticker,date`` file (a header row is optional). A row it
    cannot read is logged once and skipped; the rest still count."""
    out: dict[str, set[date]] = {}
    bad: list[int] = []
    with open(path, newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.reader(fh), start=1):
            if not row or not "".join(row).strip():
                continue
            if n == 1 and row[0].strip().lower() in ("ticker", "symbol"):
                continue
            try:
                ticker, day = row[0].strip().upper(), date.fromisoformat(row[1].strip())
            except (IndexError, ValueError):
                ticker, day = "", None
            if not ticker or day is None:
                bad.append(n)
                continue
            out.setdefault(ticker, set()).add(day)
    if bad:
        log.warning("%s: %d row(s) skipped, not `ticker,YYYY-MM-DD` (line %s%s)", path, len(bad), bad[0],
                    " ..." if len(bad) > 1 else "")
    return {t: tuple(sorted(ds)) for t, ds in out.items()}


class CsvEarnings:
    """``<dir>/earnings.csv``; no file means no earnings dates. Re-read when the file changes."""

    name = "csv"

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / EARNINGS_FILE
        self._seen: tuple[float, int] | None = None
        self._dates: dict[str, tuple[date, ...]] = {}

    def _table(self) -> dict[str, tuple[date, ...]]:
        try:
            stat = self.path.stat()
        except OSError:
            return {}
        key = (stat.st_mtime, stat.st_size)
        if key != self._seen:
            try:
                self._dates = read_earnings_csv(self.path)
            except (OSError, UnicodeDecodeError) as exc:
                log.warning("%s: cannot be read (%s)", self.path, type(exc).__name__)
                self._dates = {}
            self._seen = key
        return self._dates

    def next_after(self, ticker: str, after: date) -> date | None:
        dates = self._table().get(ticker.upper()) or self._table().get(ticker.upper().replace(".", "-")) or ()
        return next((d for d in dates if d >= after), None)

    async def next_earnings(self, ticker: str, after: date) -> date | None:
        return self.next_after(ticker, after)


# ---------------------------------------------------------------------------------------------


def _yahoo_lookup(symbol: str) -> Sequence[date]:
    import yfinance as yf

    cal = yf.Ticker(symbol).calendar or {}
    return [d for d in cal.get("Earnings Date") or [] if isinstance(d, date)]


class YahooEarnings:
    """Yahoo's earnings calendar, one ticker at a time, bounded by ``timeout`` seconds, kept
    for the New York day."""

    name = "yahoo"

    def __init__(self, *, timeout: float = 10.0, lookup: Callable[[str], Sequence[date]] | None = None,
                 today: Callable[[], date] | None = None, clock: Callable[[], float] = time.monotonic):
        self.timeout = timeout
        self._lookup = lookup or _yahoo_lookup
        self._today = today or (lambda: datetime.now(NEW_YORK).date())
        self._clock = clock
        self._known: dict[str, tuple[date, tuple[date, ...]]] = {}  # ticker -> (day asked, dates)
        self._failed: dict[str, float] = {}  # ticker -> when it failed (clock)

    async def _dates(self, ticker: str) -> tuple[date, ...] | None:
        today = self._today()
        known = self._known.get(ticker)
        if known is not None and known[0] == today:
            return known[1]
        failed = self._failed.get(ticker)
        if failed is not None and self._clock() - failed < FAILURE_RETRY_SECONDS:
            return None
        try:
            found = await asyncio.wait_for(
                in_daemon_thread(self._lookup, yahoo_symbol(ticker), name="yahoo-earnings"), timeout=self.timeout)
            dates = tuple(sorted({d if not isinstance(d, datetime) else d.date() for d in found}))
        except asyncio.TimeoutError:
            log.warning("yahoo earnings for %s: no answer within %.0f s", ticker, self.timeout)
        except Exception as exc:  # yfinance raises its own, curl_cffi's (OSError) and parsing errors
            log.warning("yahoo earnings for %s failed: %s: %s", ticker, type(exc).__name__, exc)
        else:
            self._known[ticker] = (today, dates)
            self._failed.pop(ticker, None)
            return dates
        self._failed[ticker] = self._clock()
        return None

    async def next_earnings(self, ticker: str, after: date) -> date | None:
        if is_etf(ticker) or after < self._today() - timedelta(days=YAHOO_RECENT_DAYS):
            return None
        dates = await self._dates(ticker.upper())
        return next((d for d in dates or () if d >= after), None)


def build_earnings(data_dir: str | Path | None, *, timeout: float = 10.0) -> EarningsSource:
    """The CSV twin when prices come from a folder of files, else Yahoo."""
    return CsvEarnings(data_dir) if data_dir else YahooEarnings(timeout=timeout)
