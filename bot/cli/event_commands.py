"""CLI subcommands ``replay`` (the events the bot would have posted) and ``history``
(every past breakout of a ticker and how it ended)."""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import add_data_options, print_json, services_for
from bot.dates import parse_date
from bot.errors import BadArgument
from bot.tickers import normalize_ticker
from bot.words.events import replay_dict, replay_headline, replay_line
from bot.words.followups import follow_up_line, thread_name
from bot.words.history import cli_history_headline, cli_outcome_line
from bot.words.reports import range_cut


def say_cut(args: argparse.Namespace, note: str) -> None:
    """The one line saying --from/--to were cut to the data: before the text, or on stderr
    beside the JSON (which stays one document)."""
    if note:
        print(note, file=sys.stderr if args.json else sys.stdout)


def register(sub) -> None:
    p = sub.add_parser("replay", help="replay the breakout announcements a ticker would have produced")
    p.add_argument("ticker")
    p.add_argument("--from", dest="start", metavar="DATE", required=True, help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day (YYYY-MM-DD); default: latest bar")
    p.add_argument("--followups", action="store_true",
                   help="also print what each breakout's thread would have received")
    add_data_options(p)
    p.set_defaults(func=replay_command)

    p = sub.add_parser("history", help="past breakouts of a ticker and how they ended")
    p.add_argument("ticker")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD); default: all history")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day (YYYY-MM-DD); default: latest bar")
    add_data_options(p)
    p.set_defaults(func=history_command)


def _dates(args: argparse.Namespace):
    ticker = normalize_ticker(args.ticker)
    start, end = parse_date(args.start), parse_date(args.end)
    if start is not None and end is not None and start > end:
        raise BadArgument(f"--from {start} is after --to {end}.")
    return ticker, start, end


async def replay_command(args: argparse.Namespace) -> int:
    ticker, start, end = _dates(args)
    async with services_for(args) as services:
        replayed = await services.history.replay(ticker, start, end, followups=args.followups)
    events = replayed.events
    threads = replayed.followups or {}
    say_cut(args, range_cut(ticker, start, end, replayed.start, replayed.end))
    if args.json:
        if args.followups:
            print_json([{**replay_dict(e), **({"thread": thread_name(e.ticker, e.date),
                                              "followups": [f.to_dict() for f in threads[e.key]]}
                                             if e.key in threads else {})} for e in events])
        else:
            print_json([replay_dict(e) for e in events])
        return 0
    print(replay_headline(ticker, events, replayed.start, replayed.end))
    for e in events:
        print(replay_line(e))
        if e.key in threads:
            print(f"  thread \"{thread_name(e.ticker, e.date)}\":" if threads[e.key] else
                  f"  thread \"{thread_name(e.ticker, e.date)}\": nothing yet")
            for f in threads[e.key]:
                print(follow_up_line(f))
    return 0


async def history_command(args: argparse.Namespace) -> int:
    ticker, start, end = _dates(args)
    async with services_for(args) as services:
        if start is not None or end is not None:
            lo, hi = await services.history.data_range(ticker, start, end)
            say_cut(args, range_cut(ticker, start, end, lo, hi, doing="looking"))
        outcomes = await services.history.breakouts(ticker, start, end)
    if args.json:
        print_json([o.to_dict() for o in outcomes])
        return 0
    print(cli_history_headline(ticker, outcomes))
    for o in outcomes:
        print(cli_outcome_line(o))
    return 0
