"""Logging for the running bot: discord.py's formatter, and a filter that keeps the token out.

The token is never logged on purpose; the filter is a second line of defence for
anything (a library, a traceback) that might echo it.
"""

from __future__ import annotations

import logging
import sys

import discord

from bot.logs import QuietLibraries

REDACTED = "[token redacted]"


class RedactSecret(logging.Filter):
    """Replace a secret in a record's message and traceback text before any handler writes it."""

    def __init__(self, secret: str | None):
        super().__init__()
        self.secret = secret or None

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secret:
            return True
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, REDACTED), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.secret in record.exc_text:
            record.exc_text = record.exc_text.replace(self.secret, REDACTED)
        return True


PLAIN = logging.Formatter("[{asctime}] [{levelname:<8}] {name}: {message}", "%Y-%m-%d %H:%M:%S", style="{")


def formatter_for(stream) -> logging.Formatter:
    """discord.py's colours on a terminal only: its own test also says yes inside any Docker
    container, which puts escape codes into piped logs and log files."""
    is_tty = bool(getattr(stream, "isatty", None)) and stream.isatty()
    return discord.utils._ColourFormatter() if is_tty else PLAIN


def install(token: str | None, *, level: int = logging.INFO, quiet_libraries: bool = False) -> logging.Handler:
    """Log to stderr through discord.py's setup (colours only on a TTY), token filtered out.

    Replaces a plain stderr handler set up earlier (the CLI's) so lines are not printed
    twice. ``quiet_libraries`` keeps yfinance's and Python's warnings out (the CLI without
    -v). Returns the handler so the caller can remove it again.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "breakout_cli", False) or (
                type(old) is logging.StreamHandler and old.stream in (sys.stderr, sys.stdout)):
            root.removeHandler(old)
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecret(token))
    if quiet_libraries:
        handler.addFilter(QuietLibraries())
    handler.previous_root_level = root.level  # type: ignore[attr-defined]
    discord.utils.setup_logging(handler=handler, formatter=formatter_for(handler.stream), level=level, root=True)
    return handler


def uninstall(handler: logging.Handler) -> None:
    root = logging.getLogger()
    root.removeHandler(handler)
    root.setLevel(getattr(handler, "previous_root_level", root.level))
