"""CLI subcommand ``setups``: screen a universe for bases (table, JSON, the grid picture)."""

from __future__ import annotations

import argparse
import sys

from bot.cli.chart_commands import emit, png_option
from bot.cli.common import add_data_options, services_for
from bot.dates import TIMEFRAMES
from bot.errors import NotEnoughData
from bot.services.setups import NEAR_PCT, SORTS, STATUS_FILTERS, UNIVERSE_NAMES, parse_request
from bot.words.setups import no_picture


def register(sub) -> None:
    p = sub.add_parser("setups", help="screen a universe: what is testing resistance, breaking out, failing")
    p.add_argument("--universe", choices=UNIVERSE_NAMES, default="watchlist",
                   help="watchlist (the default list), etfs or sp500")
    p.add_argument("--tickers", nargs="+", metavar="TICKER", help="screen these tickers instead of a universe")
    p.add_argument("--status", choices=STATUS_FILTERS, help="keep only these setups (default: every base)")
    p.add_argument("--near", type=float, metavar="PCT",
                   help=f"'near' means within this many percent of resistance (default {NEAR_PCT:g}); "
                        "given alone, it is the filter")
    p.add_argument("--sort", choices=SORTS, default="distance", help="order of the table (default distance)")
    p.add_argument("--timeframe", choices=TIMEFRAMES, default="weekly")
    p.add_argument("--as-of", metavar="DATE", help="screen as of this date (YYYY-MM-DD); default: latest bar")
    p.add_argument("--out", metavar="FILE.png", type=png_option, help="write the grid picture here")
    add_data_options(p)
    p.set_defaults(func=setups_command)


async def setups_command(args: argparse.Namespace) -> int:
    request = parse_request([args.universe, args.status, args.timeframe], sort=args.sort, near=args.near)
    async with services_for(args) as services:
        report = await services.setups.report(request, tickers=args.tickers, as_of=args.as_of,
                                              render=bool(args.out))
    if report.screened == 0:  # nothing screened: an error, and no picture
        raise NotEnoughData(report.empty)
    if args.out and not report.png:  # nothing matched: the answer stands, but there is no picture to write
        args.out = None
        code = emit(args, report.to_dict(), report.summary)
        print(no_picture(), file=sys.stderr)
        return code
    return emit(args, report.to_dict(), report.summary, report.png)
