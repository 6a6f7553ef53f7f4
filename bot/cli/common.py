"""What every CLI subcommand shares: the data-source options and building MarketData."""

from __future__ import annotations

import argparse
import json
import os
from contextlib import asynccontextmanager
from pathlib import Path

from bot.market.csvdir import CsvDirectoryProvider
from bot.market.service import MarketData
from bot.settings import Settings


def add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="read <TICKER>.csv[.gz] files from DIR instead of Yahoo (env: BREAKOUT_DATA_DIR)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")


def build_provider(data_dir: str | Path | None, settings: Settings):
    """The CSV-directory provider when a directory is given, else Yahoo."""
    if data_dir:
        return CsvDirectoryProvider(data_dir)
    from bot.market.yahoo import YahooProvider

    return YahooProvider(timeout=settings.data_timeout)


@asynccontextmanager
async def open_market(args: argparse.Namespace):
    """MarketData for a CLI run: CSV files as they are, Yahoo through the SQLite cache."""
    settings = Settings.from_env()
    data_dir = getattr(args, "data_dir", None) or os.environ.get("BREAKOUT_DATA_DIR") or settings.data_dir
    provider = build_provider(data_dir, settings)
    if isinstance(provider, CsvDirectoryProvider):
        yield MarketData(provider)
        return
    from bot.market.cache import PriceCache
    from bot.store.db import Database

    async with Database(settings.db_path) as db:
        yield MarketData(provider, PriceCache(db))


def print_json(obj) -> None:
    print(json.dumps(obj, indent=2, default=str))
