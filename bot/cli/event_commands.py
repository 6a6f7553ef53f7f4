"""CLI subcommands ``replay`` (the events the bot would have posted) and ``history``
(every past breakout of a ticker and how it ended)."""

from __future__ import annotations

import argparse

from bot.cli.common import add_data_options, print_json, services_for
from bot.dates import parse_date
from bot.errors import BadArgument
from bot.tickers import normalize_ticker


def register(sub) -> None:
    p = sub.add_parser("replay", help="replay the breakout announcements a ticker would have produced")
    p.add_argument("ticker")
    p.add_argument("--from", dest="start", metavar="DATE", required=True, help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day (YYYY-MM-DD); default: latest bar")
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
        replayed = await services.history.replay(ticker, start, end)
    events = replayed.events
    if args.json:
        print_json([e.to_dict() for e in events])
        return 0
    print(f"{ticker}: {len(events)} event{'s' if len(events) != 1 else ''} from {replayed.start} to {replayed.end}")
    for e in events:
        print(f"{e.date}  {e.kind:<8}  close {e.close:>9.2f}  level {e.level:>9.2f}  {e.reason}")
    return 0


async def history_command(args: argparse.Namespace) -> int:
    ticker, start, end = _dates(args)
    async with services_for(args) as services:
        outcomes = await services.history.breakouts(ticker, start, end)
    if args.json:
        print_json([o.to_dict() for o in outcomes])
        return 0
    print(f"{ticker}: {len(outcomes)} breakout{'s' if len(outcomes) != 1 else ''}")

    def pct(x):
        return f"{x:+6.1f}%" if x is not None else "     - "

    for o in outcomes:
        end_date = o.busted_date or o.failed_date
        fate = f"{o.outcome}{f' {end_date}' if end_date else ''}"
        vol = " on volume" if o.on_volume else ""
        attempt = f" (attempt {o.attempt})" if o.attempt > 1 else ""
        print(
            f"{o.date}  close {o.close:>9.2f} over {o.level:>9.2f}{vol}{attempt}: {fate:<18} "
            f"10 bars {pct(o.move_10_pct)}  30 bars {pct(o.move_30_pct)}  max drawdown {pct(o.max_drawdown_pct)}"
        )
    return 0
