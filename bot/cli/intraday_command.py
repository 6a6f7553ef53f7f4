"""CLI subcommand ``intraday``: what the intraday watch would have posted for a ticker on one
session ("crossing now"), and how the close settled it (confirmed or withdrawn)."""

from __future__ import annotations

import argparse

from bot.cli.common import add_data_options, print_json, services_for
from bot.dates import parse_date
from bot.errors import BadArgument


def register(sub) -> None:
    p = sub.add_parser("intraday", help="what the intraday watch would have posted on one session, and how it settled")
    p.add_argument("ticker")
    p.add_argument("--date", required=True, metavar="DATE", help="the session (YYYY-MM-DD)")
    add_data_options(p)
    p.set_defaults(func=intraday_command)


async def intraday_command(args: argparse.Namespace) -> int:
    day = parse_date(args.date)
    if day is None:
        raise BadArgument("Give the session as --date YYYY-MM-DD.")
    async with services_for(args) as services:
        report = await services.intraday.replay(args.ticker, day)
    if args.json:
        print_json(report.to_dict())
        return 0
    for line in report.lines():
        print(line)
    return 0
