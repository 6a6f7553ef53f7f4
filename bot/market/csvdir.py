"""Prices from a directory of CSV files: ``<TICKER>.csv`` or ``<TICKER>.csv.gz``.

Files look like ``Date,Open,High,Low,Close,Volume[,Adj Close]`` (Yahoo's layout) and are
read through the validating loader in :mod:`bot.market.price_file`: a malformed file is one
line naming it and the problem, repaired rows are logged once per file version.
This is the offline twin of the Yahoo provider and a feature for people with their own data.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import pandas as pd

from bot.errors import DataSourceError
from bot.market.calendar import NEW_YORK
from bot.market.frames import clip
from bot.market.parsed_files import MAX_FILES, ParsedFiles, Version
from bot.market.parsed_prices import ParsedPrices, frame_of_parsed, parse_price_file
from bot.market.price_file import BadPriceFile
from bot.market.provider import PriceBatch
from bot.threads import off_loop

log = logging.getLogger(__name__)

# (path) -> the file parsed; raises BadPriceFile. The bot's: in its worker processes.
PriceReader = Callable[[str], Awaitable[ParsedPrices]]
READ_AT_ONCE = 4  # files one request parses at a time (a scan's hundreds take turns with commands)


def read_price_csv(path: str | Path) -> pd.DataFrame:
    """Read one OHLCV file into a price frame; raises BadPriceFile. Repairs are logged."""
    return _logged(str(path), parse_price_file(path))


def _logged(path: str, parsed: ParsedPrices) -> pd.DataFrame:
    for note in parsed.notes:
        log.warning("%s: %s", path, note)
    return frame_of_parsed(parsed)


async def _parse_in_lane(path: str) -> ParsedPrices:
    return await off_loop(parse_price_file, path)


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
    keeps its S&P 500 stocks there); ``BRK.B`` is also looked up as ``BRK-B``.

    The files it parsed are kept (``files``, by path and version). ``reader`` parses a file
    (default: in the lane thread); the bot's parses in its worker processes, so a burst of cold
    requests does not hold its event loop."""

    name = "csv"

    def __init__(self, directory: str | Path, *, reader: PriceReader | None = None, max_files: int = MAX_FILES):
        self.directory = Path(directory)
        if self.directory.exists() and not self.directory.is_dir():
            raise DataSourceError(f"Data directory {self.directory} is a file, not a folder of "
                                  "<TICKER>.csv files.")
        if not self.directory.is_dir():
            raise DataSourceError(f"Data directory {self.directory} does not exist.")
        self.reader = reader
        self.files = ParsedFiles(max_files)
        self._at_once: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

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

    def forget(self) -> None:
        """Forget every file parsed so far (the next read parses again; benchmarks measure cold reads)."""
        self.files.clear()

    # ---- finding a file (blocking: file system calls) ----------------------------------------
    def _version(self, ticker: str) -> Version | None:
        """The ticker's file and its version (None: no file); BadPriceFile if it cannot be read."""
        path = self.path_for(ticker)
        if path is None:
            return None
        try:
            stat = path.stat()
        except OSError as exc:
            raise BadPriceFile(path, f"cannot be read ({exc.strerror or type(exc).__name__}).") from None
        return str(path), stat.st_mtime, stat.st_size

    def _versions(self, tickers: Sequence[str]) -> list[Version | BadPriceFile | None]:
        out: list[Version | BadPriceFile | None] = []
        for t in tickers:
            try:
                out.append(self._version(t))
            except BadPriceFile as exc:
                out.append(exc)
        return out

    # ---- reading --------------------------------------------------------------------------
    def load(self, ticker: str, start: date | None = None, end: date | None = None) -> pd.DataFrame | None:
        """The ticker's bars, parsed here and now (None: no file); raises BadPriceFile for a file
        it cannot read. Blocking: for code already off the event loop."""
        version = self._version(ticker)
        if version is None:
            return None
        frame = self.files.read_now(version, lambda: read_price_csv(version[0]))
        return clip(without_future_bars(frame, version[0], version[1]), start, end).copy()

    def _reading(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._at_once is None or self._at_once[0] is not loop:
            self._at_once = (loop, asyncio.Semaphore(READ_AT_ONCE))
        return self._at_once[1]

    async def _parse(self, path: str) -> pd.DataFrame:
        async with self._reading():
            parsed = await (self.reader or _parse_in_lane)(path)
        return _logged(path, parsed)

    async def _frame(self, version: Version | BadPriceFile | None) -> pd.DataFrame | None:
        """Every bar of the file up to today (None: no file); raises BadPriceFile."""
        if version is None:
            return None
        if isinstance(version, BadPriceFile):
            raise version
        frame = await self.files.read(version, lambda: self._parse(version[0]))
        return without_future_bars(frame, version[0], version[1])

    async def _frames(self, tickers: Sequence[str]) -> list[pd.DataFrame | BadPriceFile | None]:
        """Each ticker's :meth:`_frame` (or its BadPriceFile); the files are parsed concurrently."""
        versions = await off_loop(self._versions, tickers)

        async def one(version):
            try:
                return await self._frame(version)
            except BadPriceFile as exc:
                return exc

        return list(await asyncio.gather(*(one(v) for v in versions)))

    async def span(self, ticker: str) -> tuple[date, date] | None:
        """First and last bar dates of the ticker's file (None: no file); BadPriceFile if unreadable."""
        df = await self._frame(await off_loop(self._version, ticker))
        return None if df is None or df.empty else (df.index[0].date(), df.index[-1].date())

    async def latest_date(self, tickers: Sequence[str]) -> date | None:
        """The newest bar date among ``tickers``' readable files (None if none exist)."""
        last = []
        for t, df in zip(tickers, await self._frames(tickers)):
            if isinstance(df, BadPriceFile):
                log.info("skipping %s: %s", t, df)
            elif df is not None and not df.empty:
                last.append(df.index[-1].date())
        return max(last) if last else None

    async def fetch(
        self, tickers: Sequence[str], start: date | None = None, end: date | None = None
    ) -> PriceBatch:
        """{ticker: frame}; a ticker whose file is unreadable is listed in ``unavailable``."""
        out = PriceBatch()
        for t, df in zip(tickers, await self._frames(tickers)):
            if isinstance(df, BadPriceFile):
                out.unavailable[t] = df
            elif df is not None and not df.empty:
                kept = clip(df, start, end)
                if not kept.empty:
                    out[t] = kept.copy()
        return out
