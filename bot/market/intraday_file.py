"""Intraday price files beside the daily ones: ``<TICKER>.5m.csv`` with
``Datetime,Open,High,Low,Close,Volume``, one row per 5-minute bar, timed by the bar's start in
exchange time (New York). A time with a UTC offset (as yfinance writes it) is converted; a time
without one is taken as New York time. Rows whose time or Close cannot be read are skipped."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import cast

import pandas as pd

from bot.market.calendar import NEW_YORK
from bot.market.price_file import BadPriceFile

COLUMNS = ("Open", "High", "Low", "Close", "Volume")
SUFFIX = ".5m.csv"


def intraday_path(directory: str | Path, ticker: str) -> Path | None:
    """``<directory>/<TICKER>.5m.csv`` (or the ``universe/`` subfolder's), None when there is none."""
    base = Path(directory)
    for folder in (base, base / "universe"):
        for stem in dict.fromkeys([ticker, ticker.replace(".", "-")]):
            p = folder / f"{stem}{SUFFIX}"
            if p.is_file():
                return p
    return None


def read_intraday_csv(path: str | Path) -> pd.DataFrame:
    """The file's bars indexed by bar start (tz-aware, New York), sorted, last of a repeated
    time kept; raises BadPriceFile (one line naming the file and the problem)."""
    path = Path(path)
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise BadPriceFile(path, f"cannot be read as CSV ({type(exc).__name__}).") from None
    missing = [c for c in ("Datetime", *COLUMNS) if c not in table.columns]
    if missing:
        raise BadPriceFile(path, f"has no {', '.join(missing)} column (expected Datetime,{','.join(COLUMNS)}).")
    text = table["Datetime"].astype(str)
    has_offset = text.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True)
    when = pd.Series(pd.NaT, index=table.index, dtype=f"datetime64[ns, {NEW_YORK.key}]")
    if has_offset.any():
        when[has_offset] = pd.to_datetime(text[has_offset], utc=True, errors="coerce").dt.tz_convert(NEW_YORK)
    if (~has_offset).any():
        naive = pd.to_datetime(text[~has_offset], errors="coerce")
        when[~has_offset] = naive.dt.tz_localize(NEW_YORK, ambiguous="NaT", nonexistent="NaT")
    frame = table[list(COLUMNS)].apply(pd.to_numeric, errors="coerce")
    frame.index = pd.DatetimeIndex(when, name="Datetime")
    frame = frame[frame.index.notna() & (frame["Close"] > 0)]
    if frame.empty:
        raise BadPriceFile(path, "has no readable bars.")
    frame = frame[~frame.index.duplicated(keep="last")].sort_index()
    return frame


def bars_of_day(frame: pd.DataFrame, day: date) -> pd.DataFrame:
    """The bars of one session (by their New York date)."""
    return frame[cast(pd.DatetimeIndex, frame.index).date == day]


class IntradayFiles:
    """The watch's quotes from ``<TICKER>.5m.csv`` files (a bot run on a data folder): each
    ticker's bars of the current session that have ended by the clock (read in the lane thread).
    A ticker without a file, or without bars today, is simply missing (skipped quietly)."""

    name = "files"

    def __init__(self, directory: str | Path, *, clock=None):
        self.directory = Path(directory)
        self.clock = clock  # () -> aware datetime (tests move it); None: the wall clock

    def _read(self, tickers, now: pd.Timestamp):
        from bot.market.yahoo_intraday import BAR, IntradayBatch

        out = IntradayBatch()
        for ticker in tickers:
            path = intraday_path(self.directory, ticker)
            if path is None:
                continue
            try:
                bars = bars_of_day(read_intraday_csv(path), now.date())
            except BadPriceFile:
                continue  # a file that cannot be read: no quote (the offline twin says why)
            bars = bars[cast(pd.DatetimeIndex, bars.index) + BAR <= now]
            if not bars.empty:
                out.bars[ticker] = bars
        return out

    async def fetch(self, tickers):
        from datetime import datetime, timezone

        from bot.threads import off_loop

        now = pd.Timestamp(self.clock() if self.clock is not None else datetime.now(timezone.utc)).tz_convert(NEW_YORK)
        return await off_loop(self._read, list(tickers), now)
