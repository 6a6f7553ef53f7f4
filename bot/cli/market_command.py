"""CLI subcommand ``market``: the market's state from SPY, QQQ or IWM, with its chart."""

from __future__ import annotations

import argparse

from bot.cli.chart_commands import emit, png_option
from bot.cli.common import add_data_options, services_for
from bot.services.market_index import DEFAULT_INDEX, INDEXES


def _index(text: str) -> str:
    word = text.strip().upper()
    if word not in INDEXES:
        raise argparse.ArgumentTypeError(f"the market index is one of {', '.join(INDEXES)} (got '{text[:20]}').")
    return word


def register(sub) -> None:
    p = sub.add_parser("market", help="the market's state (uptrend, under pressure, correction) from an index")
    p.add_argument("--index", type=_index, default=DEFAULT_INDEX, help=f"one of {', '.join(INDEXES)} (default SPY)")
    p.add_argument("--as-of", metavar="DATE", help="the state on this date (YYYY-MM-DD); default: latest bar")
    p.add_argument("--out", metavar="FILE.png", type=png_option, help="write the chart here")
    add_data_options(p)
    p.set_defaults(func=market_command)


async def market_command(args: argparse.Namespace) -> int:
    async with services_for(args) as services:
        report = await services.market_state.report(args.index, as_of=args.as_of, render=bool(args.out))
    return emit(args, report.to_dict(), report.summary, report.png)
