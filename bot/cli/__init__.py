"""``python -m bot ...``: the command-line face of the core.

Each subcommand lives in its own module exposing ``register(subparsers)``; the module
sets ``func`` (sync or async, taking the parsed args, returning an exit code) on its parser.
Domain errors become one line on stderr and a non-zero exit, never a traceback; ``-v``
adds the traceback of an unexpected error, ``-vv`` debug logs.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import logging
import os
import sys
import threading
from typing import NoReturn

from bot import __version__
from bot.cli import logs
from bot.errors import BreakoutError, StoreUnavailable
from bot.settings import SettingsError

COMMAND_MODULES = (
    "bot.cli.chart_commands",  # base, compare, perf, chart
    "bot.cli.market_command",  # market
    "bot.cli.event_commands",  # replay, history
    "bot.cli.intraday_command",  # intraday (the intraday watch's offline twin)
    "bot.cli.study_command",  # study
    "bot.cli.setups_command",  # setups
    "bot.cli.run_command",  # run (the Discord bot)
    "bot.cli.db_command",  # db copy
    "bot.cli.scorecard_command",  # scorecard (a server's record, from the store)
)
log = logging.getLogger("bot.cli")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bot", description="breakout-bot: bases, breakouts, comparisons.")
    parser.add_argument("--version", action="version", version=f"breakout-bot {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="-v: details and the traceback of an unexpected error; -vv: debug logs")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _silence_stdout() -> None:
    """stdout's reader went away (``| head``): point it at /dev/null so the exit flush is quiet."""
    try:
        fd = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):  # no real file descriptor (captured in tests)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def entry(argv: list[str] | None = None) -> None:
    """The process entry point (``python -m bot``, ``breakout-bot``): run :func:`main`, then
    exit now. Work abandoned after a timeout (a yfinance download on a stalled network, whose
    worker threads Python would otherwise wait for at exit) must not hold the process open
    for minutes after its error line."""
    code = main(argv)
    stuck = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if not stuck:
        raise SystemExit(code)
    log.debug("abandoning %d blocked threads: %s", len(stuck), ", ".join(t.name for t in stuck))
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said anyway
            continue
    os._exit(code)


def _database_problem(exc: BaseException) -> str | None:
    from bot.services.composition import database_problem
    from bot.settings import Settings

    try:
        settings = Settings.from_env()
    except SettingsError:
        settings = Settings()
    return database_problem(settings, exc)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # a usage error (one line already printed), --help, --version
        return exc.code if isinstance(exc.code, int) else 2
    logs.configure(args.verbose)
    try:
        result = args.func(args)
        if inspect.iscoroutine(result):  # an async command
            result = asyncio.run(result)
        sys.stdout.flush()
        return int(result or 0)
    except StoreUnavailable as exc:  # the operator is told what the store said, not the members' sentence
        problem = _database_problem(exc.__cause__ or exc)
        print(f"error: {problem or f'the database {exc.kind} ({exc.detail})'}", file=sys.stderr)
        return 1
    except (BreakoutError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 141  # what a shell reports for a writer killed by SIGPIPE
    except Exception as exc:  # a bug, not bad input: one line, the traceback with -v
        problem = _database_problem(exc)
        if problem:  # the database, not the program: say which and why
            log.info("database error", exc_info=True)
            print(f"error: {problem}", file=sys.stderr)
            return 1
        if args.verbose:
            log.error("unexpected error", exc_info=True)
        hint = "" if args.verbose else " (run with -v for details)"
        print(f"error: unexpected {type(exc).__name__}: {exc}{hint}", file=sys.stderr)
        return 1
