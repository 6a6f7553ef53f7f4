"""Domain errors. Every message is written for the person who typed the command."""

import unicodedata

ECHO_LIMIT = 20  # characters of a member's input a reply repeats back


def echo(text, limit: int = ECHO_LIMIT) -> str:
    """A member's input, safe to repeat inside a reply's `code` span: no control or format
    characters (U+202E would reverse the line, zero-width ones hide text), no backticks (they
    would close the span), one line, at most ``limit`` characters (then "…")."""
    text = "".join(" " if ch in "\r\n\t" else ch for ch in str(text if text is not None else ""))
    text = "".join(ch for ch in text if ch != "`" and unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class BreakoutError(Exception):
    """Base for errors whose message can be shown to a user as-is."""


class InvalidTicker(BreakoutError):
    """The text is not a ticker symbol at all (rejected before any fetch)."""


class UnknownTicker(BreakoutError):
    """The symbol is well-formed but the data source has nothing for it."""


class NotEnoughData(BreakoutError):
    """There is data, but too little for the requested analysis."""


class BadArgument(BreakoutError):
    """A malformed period, date, timeframe or similar."""


class TooManyTickers(BreakoutError):
    """More tickers than a command accepts."""


class DataSourceError(BreakoutError):
    """The price source failed (down, slow, rate-limited)."""


class DataTimeout(DataSourceError):
    """The price source did not answer in time."""


class RateLimited(DataSourceError):
    """The price source refused us for asking too often."""


class DatabaseUnavailable(BreakoutError):
    """The SQLite file cannot be opened or used (corrupt, not a database, locked)."""


class StoreUnavailable(BreakoutError):
    """The store failed while the bot ran (unreachable, frozen, locked, full): a fault of the
    running system, not of the program. ``str()`` is the member's sentence; ``detail`` is the
    operator's (it may name the store and the driver's message: logs only)."""

    def __init__(self, message: str, *, kind: str = "unavailable", detail: str = ""):
        super().__init__(message)
        self.kind = kind
        self.detail = detail or kind
        self.noted = False  # its outage tracker has counted it already (bot.store.faults.unavailable)
