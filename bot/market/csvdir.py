"""Prices from a directory of CSV files: ``<TICKER>.csv`` or ``<TICKER>.csv.gz``.

Files look like ``Date,Open,High,Low,Close,Volume[,Adj Close]`` (Yahoo's layout).
This is the offline twin of the Yahoo provider and a feature for people with their own data.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from bot.errors import DataSourceError
from bot.market.frames import clip, to_price_frame


def read_price_csv(path: str | Path) -> pd.DataFrame:
    """Read one OHLCV CSV file into a price frame."""
    df = pd.read_csv(path, parse_dates=["Date"])
    return to_price_frame(df)


@lru_cache(maxsize=64)
def _read_cached(path: str, mtime: float) -> pd.DataFrame:
    return read_price_csv(path)


class CsvDirectoryProvider:
    """Reads ``<dir>/<TICKER>.csv[.gz]``; ``BRK.B`` is also looked up as ``BRK-B``."""

    name = "csv"

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise DataSourceError(f"Data directory {self.directory} does not exist.")

    def path_for(self, ticker: str) -> Path | None:
        for stem in dict.fromkeys([ticker, ticker.replace(".", "-"), ticker.replace("-", ".")]):
            for suffix in (".csv", ".csv.gz"):
                p = self.directory / f"{stem}{suffix}"
                if p.is_file():
                    return p
        return None

    def tickers(self) -> list[str]:
        """Every ticker that has a file in the directory."""
        names = set()
        for p in self.directory.iterdir():
            if p.name.endswith(".csv.gz"):
                names.add(p.name[: -len(".csv.gz")])
            elif p.suffix == ".csv":
                names.add(p.stem)
        return sorted(names)

    def load(self, ticker: str, start: date | None = None, end: date | None = None) -> pd.DataFrame | None:
        path = self.path_for(ticker)
        if path is None:
            return None
        df = _read_cached(str(path), path.stat().st_mtime)
        return clip(df, start, end).copy()

    async def latest_date(self, tickers: Sequence[str]) -> date | None:
        """The newest bar date among ``tickers``' files (None if none exist)."""

        def work() -> date | None:
            last = [df.index[-1].date() for t in tickers if (df := self.load(t)) is not None and not df.empty]
            return max(last) if last else None

        return await asyncio.to_thread(work)

    async def fetch(
        self, tickers: Sequence[str], start: date | None = None, end: date | None = None
    ) -> dict[str, pd.DataFrame]:
        def work() -> dict[str, pd.DataFrame]:
            out = {}
            for t in tickers:
                df = self.load(t, start, end)
                if df is not None and not df.empty:
                    out[t] = df
            return out

        return await asyncio.to_thread(work)
