"""What both faces' log handlers share: which loggers speak for libraries, not for us."""

from __future__ import annotations

import logging

# Loggers that speak for libraries, not for us: silenced unless -v.
CHATTY = ("yfinance", "py.warnings", "peewee", "curl_cffi", "matplotlib")


class QuietLibraries(logging.Filter):
    """Drops records from the chatty libraries (used on our stderr handler without -v)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not any(record.name == n or record.name.startswith(n + ".") for n in CHATTY)


_verbosity = 0


def set_verbosity(level: int) -> None:
    """The face's -v count (the CLI's and ``run``'s), for lines that add a traceback only with -v."""
    global _verbosity
    _verbosity = int(level or 0)


def tracebacks() -> bool:
    """Expected faults (the store away) are one line; their traceback only with -v."""
    return _verbosity > 0
