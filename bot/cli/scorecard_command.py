"""``python -m bot scorecard --guild ID [--period 30d|90d|1y|all]``: a server's record of the
breakouts it was actually sent, read from the bot's store (``DATABASE_URL``, else the SQLite file
``BREAKOUT_DB_PATH``): the offline twin of the ``scorecard`` command."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import add_data_options, print_json, services_for
from bot.dates import parse_date
from bot.words.scorecard import cli_lines


def register(sub) -> None:
    p = sub.add_parser("scorecard", help="a server's record of the breakouts it was sent, from the store")
    p.add_argument("--guild", type=int, required=True, metavar="ID", help="the server's id")
    p.add_argument("--period", metavar="P", help="30d, 90d, 1y or all (default: 90d)")
    p.add_argument("--as-of", dest="as_of", metavar="DATE", help="count the period back from DATE (default: today)")
    p.add_argument("--out", metavar="PNG", help="also write the picture to this file")
    add_data_options(p)
    p.set_defaults(func=scorecard_command)


async def scorecard_command(args: argparse.Namespace) -> int:
    async with services_for(args, store=True) as services:
        report = await services.scorecard.scorecard(args.guild, args.period, today=parse_date(args.as_of),
                                                    picture=bool(args.out))
    if args.out and report.png is not None:
        Path(args.out).write_bytes(report.png)
    if args.json:
        print_json(report.to_dict())
        return 0
    if report.empty:
        print(report.headline)
        return 0
    print("\n".join(cli_lines(report.headline, report.counts, report.text, report.lines, report.notes,
                              report.footer)))
    return 0
