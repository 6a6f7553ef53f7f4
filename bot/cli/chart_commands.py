"""CLI subcommands ``base``, ``compare``, ``perf`` and ``chart``."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.common import add_data_options, print_json, services_for
from bot.dates import PERIODS, TIMEFRAMES, parse_period_text
from bot.errors import BadArgument
from bot.words.reports import chart_written


def period_option(text: str) -> str:
    """--period checked while parsing, before any data is read."""
    try:
        return parse_period_text(text)
    except BadArgument as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def png_option(text: str) -> str:
    """--out: charts are PNG images, so the file name must say so."""
    if not text.strip() or Path(text).suffix.lower() != ".png":
        raise argparse.ArgumentTypeError(f"charts are PNG images: give a file name ending in .png (got '{text[:40]}').")
    return text


def register(sub) -> None:
    p = sub.add_parser("base", help="find and chart a ticker's base")
    p.add_argument("ticker")
    p.add_argument("--as-of", metavar="DATE", help="analyse as of this date (YYYY-MM-DD); default: latest bar")
    p.add_argument("--timeframe", choices=TIMEFRAMES, default="weekly")
    p.add_argument("--out", metavar="FILE.png", type=png_option, help="write the chart here")
    add_data_options(p)
    p.set_defaults(func=base_command)

    p = sub.add_parser("compare", help="relative performance of 2-6 tickers")
    p.add_argument("tickers", nargs="+", metavar="TICKER")
    p.add_argument("--period", default="ytd", type=period_option, help=f"one of {', '.join(PERIODS)} (default ytd)")
    p.add_argument("--as-of", metavar="DATE")
    p.add_argument("--out", metavar="FILE.png", type=png_option, help="write the chart here")
    add_data_options(p)
    p.set_defaults(func=compare_command)

    p = sub.add_parser("perf", help="period returns table (default SPY QQQ IWM MDY, YTD)")
    p.add_argument("tickers", nargs="*", metavar="TICKER")
    p.add_argument("--period", default="ytd", type=period_option, help=f"one of {', '.join(PERIODS)} (default ytd)")
    p.add_argument("--as-of", metavar="DATE")
    add_data_options(p)
    p.set_defaults(func=perf_command)

    p = sub.add_parser("chart", help="candles, volume and 50/200 moving averages of one ticker")
    p.add_argument("ticker")
    p.add_argument("--timeframe", choices=TIMEFRAMES, default="daily")
    p.add_argument("--period", default="1y", type=period_option, help=f"one of {', '.join(PERIODS)} (default 1y)")
    p.add_argument("--as-of", metavar="DATE", help="the chart's last day (YYYY-MM-DD); default: latest bar")
    p.add_argument("--out", metavar="FILE.png", type=png_option, help="write the chart here")
    add_data_options(p)
    p.set_defaults(func=chart_command)


def emit(args: argparse.Namespace, doc: dict, summary: str, png: bytes = b"") -> int:
    """Print the JSON document or the human summary; write the chart when --out was given."""
    written = None
    if getattr(args, "out", None):
        try:
            Path(args.out).write_bytes(png)
        except OSError as exc:
            raise BadArgument(f"Cannot write the chart to {args.out}: {exc.strerror or exc}.") from None
        written = str(args.out)
    if args.json:
        print_json({**doc, "chart": written} if written else doc)
    else:
        print(summary)
        if written:
            print(chart_written(written))
    return 0


async def base_command(args: argparse.Namespace) -> int:
    async with services_for(args) as services:
        report = await services.base.report(args.ticker, timeframe=args.timeframe, as_of=args.as_of,
                                            render=bool(args.out))
    return emit(args, report.to_dict(), report.summary, report.png)


async def compare_command(args: argparse.Namespace) -> int:
    async with services_for(args) as services:
        report = await services.compare.report(args.tickers, period=args.period, as_of=args.as_of,
                                               render=bool(args.out))
    doc = {**report.comparison.to_dict(), "data_date": report.data_date.isoformat(), "stale": report.stale}
    return emit(args, doc, report.summary, report.png)


async def perf_command(args: argparse.Namespace) -> int:
    async with services_for(args) as services:
        report = await services.perf.report(args.tickers or None, period=args.period, as_of=args.as_of)
    return emit(args, {**report.comparison.to_dict(), "stale": report.stale}, report.summary)


async def chart_command(args: argparse.Namespace) -> int:
    async with services_for(args) as services:
        report = await services.chart.report(args.ticker, timeframe=args.timeframe, period=args.period,
                                             as_of=args.as_of)
    doc = {"ticker": report.ticker, "timeframe": report.timeframe, "period": report.period,
           "data_date": report.data_date.isoformat(), "stale": report.stale}
    return emit(args, doc, report.summary, report.png)
