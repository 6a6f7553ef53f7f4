"""Logging for command-line runs: what reaches the user's stderr at each verbosity.

- no flag: our warnings and the one error line; libraries' chatter (yfinance's log lines,
  Python warnings such as pandas deprecations) is kept out;
- ``-v``: INFO, the libraries' lines, and the traceback of an unexpected error;
- ``-vv``: DEBUG.

Plain text always (no colours): the CLI's stderr is often a pipe or a log file.
"""

from __future__ import annotations

import logging
import sys

from bot.logs import QuietLibraries, set_verbosity


class _Lower(logging.Formatter):
    """``warning: message`` — the same shape as the CLI's ``error: message`` line."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{record.levelname.lower()}: {record.getMessage()}"


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of the record (it may be replaced
    after the handler was made, as test runners do)."""

    breakout_cli = True

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler.__init__ sets it; the property wins
        return


class _NoOutageLines(logging.Filter):
    """A one-shot command's store fault is its one ``error:`` line; the running bot's outage
    lines (bot.store.faults) would say it twice."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name != "bot.store.faults"


def level_for(verbosity: int) -> int:
    return logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG


def configure(verbosity: int) -> logging.Handler:
    """Install the CLI's stderr handler on the root logger (replacing an earlier one)."""
    set_verbosity(verbosity)
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "breakout_cli", False):
            root.removeHandler(old)
    handler = StderrHandler()
    if verbosity <= 0:
        handler.setFormatter(_Lower())
        handler.addFilter(QuietLibraries())
        handler.addFilter(_NoOutageLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level_for(verbosity))
    # Python warnings become log records of "py.warnings": shown with -v, hidden without.
    logging.captureWarnings(True)
    return handler
