"""CLI subcommand ``study``: replay the engine over a universe and measure every breakout it
announces, grouped, against the universe's baseline (issue 19's "our own measured odds")."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.cli.common import print_json
from bot.dates import parse_date
from bot.errors import BadArgument
from bot.tickers import normalize_ticker
from bot.words.study import study_report


def register(sub) -> None:
    p = sub.add_parser("study", help="measure every breakout the engine announces over a universe (the base rates)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--universe", choices=("etfs", "sp500"), default=None,
                       help="etfs: the ETF files in DIR; sp500: DIR/universe (default: etfs)")
    which.add_argument("--tickers", nargs="+", metavar="T", help="these tickers' files (DIR, then DIR/universe)")
    p.add_argument("--from", dest="start", metavar="DATE", help="first breakout day (default 2016-01-01)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last breakout day (default: the data's last)")
    p.add_argument("--split", metavar="DATE", help="out-of-sample from this day (default 2022-01-01)")
    p.add_argument("--data-dir", metavar="DIR",
                   help="price files laid out as ../shared/data (default: env BREAKOUT_DATA_DIR, else ../shared/data)")
    p.add_argument("--json", action="store_true", help="print the table part (groups, baseline) as JSON")
    p.add_argument("--out", metavar="PNG", help="also draw the outcome distribution to this PNG file")
    p.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--depth", type=int, default=2, help="levels of the lookup chain the text shows (default 2)")
    p.add_argument("--table", metavar="FILE", help="write this universe into the base-rate table FILE")
    p.add_argument("--check", action="store_true",
                   help="regenerate the committed base-rate table from the data and require it identical "
                        "(a universe whose data is absent is skipped)")
    p.set_defaults(func=study_command)


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir or os.environ.get("BREAKOUT_DATA_DIR") or Path("..") / "shared" / "data")


def study_command(args: argparse.Namespace) -> int:
    from bot.services import study as svc

    root = _data_dir(args)
    if args.workers < 1:
        raise BadArgument("--workers must be at least 1.")
    if args.check:
        if not root.is_dir():
            print(f"study --check: skipped, no data directory at {root}")
            return 0
        results = svc.check_table(root, workers=args.workers)
        for name, verdict in results:
            print(f"base-rate table, {name}: {verdict}")
        return 1 if any(v.startswith("DIFFERS") for _, v in results) else 0
    start, end, split = parse_date(args.start), parse_date(args.end), parse_date(args.split)
    tickers = [normalize_ticker(t) for t in args.tickers] if args.tickers else None
    universe = None if tickers else (args.universe or "etfs")
    command = svc.command_line(universe, tickers, start, end, split)
    study = svc.run_study(root, universe=universe, tickers=tickers, start=start, end=end, split=split,
                          workers=args.workers, command=command)
    if args.table:
        path = svc.write_table(args.table, study)
        print(f"wrote {study.universe} to {path}", file=sys.stderr)
    if args.out:
        Path(args.out).write_bytes(svc.study_chart(study.table))
    if study.skipped:
        print(f"left out (unreadable files): {', '.join(study.skipped)}", file=sys.stderr)
    if args.json:
        print_json(study.table)
        return 0
    for line in study_report(study.table, args.depth):
        print(line)
    return 0
