"""Prices from a directory of CSV files: ``<TICKER>.csv`` or ``<TICKER>.csv.gz``.

Files look like ``Date,Open,High,Low,Close,Volume[,Adj Close]`` (Yahoo's layout) and are
read through the validating loader in :mod:`bot.market.price_file`: a malformed file is one
line naming it and the problem, repaired rows are logged once per file version.
This is the offline twin of the Yahoo provider and a feature for people with their own data.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import pandas as pd

from bot.errors import DataSourceError
from bot.market.calendar import NEW_YORK
from bot.market.frames import clip
from bot.market.price_file import BadPriceFile, read_price_file
from bot.market.provider import PriceBatch
from bot.threads import off_loop

log = logging.getLogger(__name__)


def read_price_csv(path: str | Path) -> pd.DataFrame:
    """Read one OHLCV file into a price frame; raises BadPriceFile. Repairs are logged."""
    frame, notes = read_price_file(path)
    for note in notes:
        log.warning("%s: %s", path, note)
    return frame


@lru_cache(maxsize=64)
def _read_cached(path: str, mtime: float, size: int) -> pd.DataFrame:
    return read_price_csv(path)


def without_future_bars(df: pd.DataFrame, path: str, mtime: float, today: date | None = None) -> pd.DataFrame:
    """The file's bars up to today (New York): bars dated later are not prices yet (a test file,
    a typo in a date) and are skipped as a future ``--as-of`` is refused — with one warning per
    version of the file."""
    today = today or datetime.now(NEW_YORK).date()
    if df.empty or df.index[-1].date() <= today:
        return df
    kept = df[df.index < pd.Timestamp(today + timedelta(days=1))]
    _warn_future(path, mtime, len(df) - len(kept), df.index[len(kept)].date(), today)
    return kept


@lru_cache(maxsize=256)
def _warn_future(path: str, mtime: float, count: int, first: date, today: date) -> None:
    log.warning("%s: skipping %d bar%s dated after today (%s; the first is %s)", path, count,
                "s" if count != 1 else "", today, first)


UNIVERSE_SUBFOLDER = "universe"  # a data folder's stock files (the sp500 universe) may sit in this subfolder


class CsvDirectoryProvider:
    """Reads ``<dir>/<TICKER>.csv[.gz]``, then ``<dir>/universe/<TICKER>.csv[.gz]`` (a data folder
    keeps its S&P 500 stocks there); ``BRK.B`` is also looked up as ``BRK-B``."""

    name = "csv"

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise DataSourceError(f"Data directory {self.directory} is a file, not a folder of "
                                  "<TICKER>.csv files.")
        if not self.directory.is_dir():
            raise DataSourceError(f"Data directory {self.directory} does not exist.")

    def _folders(self) -> list[Path]:
        sub = self.directory / UNIVERSE_SUBFOLDER
        return [self.directory, sub] if sub.is_dir() else [self.directory]

    def path_for(self, ticker: str) -> Path | None:
        for folder in self._folders():
            for stem in dict.fromkeys([ticker, ticker.replace(".", "-"), ticker.replace("-", ".")]):
                for suffix in (".csv", ".csv.gz"):
                    p = folder / f"{stem}{suffix}"
                    if p.is_file():
                        return p
        return None

    def tickers(self) -> list[str]:
        """Every ticker that has a file in the directory or its ``universe/`` subfolder."""
        names = set()
        for folder in self._folders():
            for p in folder.iterdir():
                if p.name.endswith(".csv.gz"):
                    names.add(p.name[: -len(".csv.gz")])
                elif p.suffix == ".csv":
                    names.add(p.stem)
        return sorted(names)

    def load(self, ticker: str, start: date | None = None, end: date | None = None) -> pd.DataFrame | None:
        """The ticker's bars (None: no file); raises BadPriceFile for a file it cannot read."""
        path = self.path_for(ticker)
        if path is None:
            return None
        try:
            stat = path.stat()
        except OSError as exc:
            raise BadPriceFile(path, f"cannot be read ({exc.strerror or type(exc).__name__}).") from None
        df = without_future_bars(_read_cached(str(path), stat.st_mtime, stat.st_size), str(path), stat.st_mtime)
        return clip(df, start, end).copy()

    def forget(self) -> None:
        """Forget every file read so far (the next read parses again; benchmarks measure cold reads)."""
        _read_cached.cache_clear()

    def _load_or_skip(self, ticker: str) -> pd.DataFrame | None:
        try:
            return self.load(ticker)
        except BadPriceFile as exc:
            log.info("skipping %s: %s", ticker, exc)
            return None

    async def span(self, ticker: str) -> tuple[date, date] | None:
        """First and last bar dates of the ticker's file (None: no file); BadPriceFile if unreadable."""

        def work():
            df = self.load(ticker)
            return None if df is None or df.empty else (df.index[0].date(), df.index[-1].date())

        return await off_loop(work)

    async def latest_date(self, tickers: Sequence[str]) -> date | None:
        """The newest bar date among ``tickers``' readable files (None if none exist)."""

        def work() -> date | None:
            last = [df.index[-1].date() for t in tickers
                    if (df := self._load_or_skip(t)) is not None and not df.empty]
            return max(last) if last else None

        return await off_loop(work)

    async def fetch(
        self, tickers: Sequence[str], start: date | None = None, end: date | None = None
    ) -> PriceBatch:
        """{ticker: frame}; a ticker whose file is unreadable is listed in ``unavailable``."""

        def work() -> PriceBatch:
            out = PriceBatch()
            for t in tickers:
                try:
                    df = self.load(t, start, end)
                except BadPriceFile as exc:
                    out.unavailable[t] = exc
                    continue
                if df is not None and not df.empty:
                    out[t] = df
            return out

        return await off_loop(work)
