"""``python -m bot ...``: the command-line face of the core.

Each subcommand lives in its own module exposing ``register(subparsers)``; the module
sets ``func`` (sync or async, taking the parsed args, returning an exit code) on its parser.
Domain errors become one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import logging
import sys

from bot import __version__
from bot.errors import BreakoutError

COMMAND_MODULES = (
    "bot.cli.chart_commands",  # base, compare, perf
    "bot.cli.event_commands",  # replay, history
    "bot.cli.run_command",  # run (the Discord bot)
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bot", description="breakout-bot: bases, breakouts, comparisons.")
    parser.add_argument("--version", action="version", version=f"breakout-bot {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # a face not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        result = args.func(args)
        if inspect.isawaitable(result):
            result = asyncio.run(result)
        return int(result or 0)
    except BreakoutError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not bad input: one line, details with -v
        logging.getLogger("bot.cli").debug("unexpected error", exc_info=True)
        hint = "" if args.verbose else " (run with -v for details)"
        print(f"error: unexpected {type(exc).__name__}: {exc}{hint}", file=sys.stderr)
        return 1
