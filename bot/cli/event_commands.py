"""CLI subcommands ``replay`` (the events the bot would have posted) and ``history``
(every past breakout of a ticker and how it ended)."""

from __future__ import annotations

import argparse
from datetime import timedelta

from bot.analysis.base.params import BaseParams
from bot.analysis.events.params import EngineParams
from bot.cli.common import add_data_options, open_market, print_json
from bot.dates import parse_date
from bot.errors import BadArgument, UnknownTicker
from bot.market.bounds import bound_range, not_in_future
from bot.tickers import normalize_ticker
from bot.words.events import event_dict, replay_headline, replay_line
from bot.words.history import cli_history_headline, cli_outcome_line

# The engine warms up on half a year of bars before the first replayed day and the base
# finder reads ≈ 31 years from there (the major base), so fetch that much before --from.
LOOKBACK = timedelta(days=(BaseParams().history_bars("weekly") + EngineParams().warm_up_bars) * 7 // 5 + 60)


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


async def _bounded(market, ticker: str, start, end):
    """--from/--to cut to the ticker's data; outside it, a message naming the data's range."""
    today = market.today()
    not_in_future(start, today)
    not_in_future(end, today)
    span = await market.span(ticker)
    if span is None:
        raise UnknownTicker(f"No price data found for `{ticker}`. Is the symbol right?")
    return bound_range(span, start, end)


async def replay_command(args: argparse.Namespace) -> int:
    from bot.analysis.events.replay import replay

    ticker, start, end = _dates(args)
    async with open_market(args) as market:
        start, end = await _bounded(market, ticker, start, end)
        daily = await market.history(ticker, start=start - LOOKBACK, end=end)
    events = replay(ticker, daily, start, end)
    if args.json:
        print_json([event_dict(e) for e in events])
        return 0
    last = daily.index[-1].date()
    shown_end = min(end, last) if end else last
    print(replay_headline(ticker, events, start, shown_end))
    for e in events:
        print(replay_line(e))
    return 0


async def history_command(args: argparse.Namespace) -> int:
    from bot.analysis.events.outcomes import breakout_history

    ticker, given_start, given_end = _dates(args)
    async with open_market(args) as market:
        start, end = await _bounded(market, ticker, given_start, given_end)
        start = start if given_start else None  # all history: no lookback needed
        end = end if given_end else None
        # the fate of a breakout is judged on the bars after it, so fetch past --to
        daily = await market.history(ticker, start=start - LOOKBACK if start else None)
    outcomes = breakout_history(ticker, daily, start, end)
    if args.json:
        print_json([o.to_dict() for o in outcomes])
        return 0
    print(cli_history_headline(ticker, outcomes))
    for o in outcomes:
        print(cli_outcome_line(o))
    return 0
