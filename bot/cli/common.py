"""What every CLI subcommand shares: the data-source options and the services of one run."""

from __future__ import annotations

import argparse
import json
from contextlib import asynccontextmanager

from bot.services.composition import open_services
from bot.settings import Settings


def add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="read <TICKER>.csv[.gz] files from DIR instead of Yahoo (env: BREAKOUT_DATA_DIR)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of text")


@asynccontextmanager
async def services_for(args: argparse.Namespace, *, store: bool = False):
    """The services for one CLI run (``--data-dir`` or the environment's data source; ``store``:
    with the bot's store, ``DATABASE_URL`` or the SQLite file)."""
    async with open_services(Settings.from_env(), getattr(args, "data_dir", None), store=store) as services:
        yield services


def print_json(obj) -> None:
    print(json.dumps(obj, indent=2, default=str))

