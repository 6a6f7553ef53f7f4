"""What every CLI subcommand shares: the data-source options and building MarketData."""

from __future__ import annotations

import argparse
import json
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


def build_market(settings: Settings, db, data_dir: str | Path | None = None) -> MarketData:
    """MarketData for the CLI and the bot: CSV files as they are, Yahoo behind the SQLite cache."""
    provider = build_provider(data_dir or settings.data_dir, settings)
    if isinstance(provider, CsvDirectoryProvider):
        return MarketData(provider)
    from bot.market.cache import PriceCache

    return MarketData(provider, PriceCache(db))


@asynccontextmanager
async def open_market(args: argparse.Namespace):
    """MarketData for one CLI run; the database is opened only when prices come from Yahoo."""
    settings = Settings.from_env()
    data_dir = getattr(args, "data_dir", None) or settings.data_dir
    if data_dir:
        yield build_market(settings, None, data_dir)
        return
    from bot.store.db import Database

    async with Database(settings.db_path) as db:
        yield build_market(settings, db)


def print_json(obj) -> None:
    print(json.dumps(obj, indent=2, default=str))
