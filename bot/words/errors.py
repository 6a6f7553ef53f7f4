"""What the bot answers when a command cannot do what was asked (the Discord face picks the
sentence by the kind of error; domain errors carry their own message)."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import echo

APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again later."
ONLY_IN_SERVERS = "This command only works in a server, not in direct messages."
SWITCHED_OFF = "This command is switched off right now."
OUT_OF_SYNC = "This command changed since Discord last synced it; please try again in a few minutes."
STILL_WORKING = "⏳ I am still working on your previous request; try again in a moment."
OWNER_ONLY = "🔒 Only the bot's owner can do that."
NOT_HERE = "🔒 You can't use this command here."
DISCORD_REFUSED = "🔒 Discord refused that: I am missing a permission in this channel."
STILL_DRAWING = "Still drawing the previous chart…"
CHART_EXPIRED = "⌛ This chart has expired — run the command again."
STORE_DOWN = "⏳ The bot's database is unavailable right now; try again in a minute."


def usage(prefix: str, name: str, signature: str, example: str | None) -> str:
    line = f"Usage: `{prefix}{name}{' ' + signature if signature else ''}`"
    if example:
        line += f" — e.g. `{prefix}{example}`"
    return line


def source_problem(message: str) -> str:
    return f"📡 {message}"


def domain_problem(message: str) -> str:
    return f"⚠️ {message}"


def missing_argument(name: str, usage_line: str) -> str:
    return f"⚠️ Missing `{name}`. {usage_line}"


def too_many_arguments(usage_line: str) -> str:
    return f"⚠️ Too many arguments. {usage_line}"


def unreadable(usage_line: str) -> str:
    return f"⚠️ I could not read that (check the quotes). {usage_line}"


def bad_input(message: str, usage_line: str) -> str:
    return f"⚠️ {message} {usage_line}".strip()


def cooldown(seconds: float) -> str:
    return f"⏳ Slow down a little: try again in {seconds:.0f} s."


def you_need(permissions: str) -> str:
    return f"🔒 You need the {permissions} permission for this."


def i_need(permissions: str) -> str:
    return f"🔒 I need the {permissions} permission in this channel."


def not_valid_there(value: str, accepted: str | None = None) -> str:
    return f"⚠️ `{echo(value)}` is not valid there." if accepted is None else \
        f"⚠️ `{echo(value)}` is not valid there: give {accepted}."


def too_slow(seconds: float) -> str:
    return f"That took too long (over {seconds:.0f} s): the data source may be slow. Try again in a minute."


def not_your_chart(ticker: str) -> str:
    return f"Only the person who asked can switch this chart. Try `/base {ticker}` yourself."


def not_accepted(value: str, name: str, accepted: str, usage_line: str) -> str:
    """A word the command could not read as its argument ``name`` (never the library's own text)."""
    return f"⚠️ `{echo(value)}` is not valid for `{name}`: give {accepted}. {usage_line}".strip()


def price_data_unreadable(ticker: str) -> str:
    """A price file that is empty, binary, cut short or being rewritten (its path goes to the log only)."""
    return f"The price data for {echo(ticker, 12)} can't be read right now."


# What no reply may carry: a path of the host (two or more segments from the root, or a drive),
# a URL (a database's included), a traceback's frame line.
_PATH = re.compile(r"(?<![\w`/<:])(?:[A-Za-z]:\\|/)(?:[\w.@~+-]+[/\\]){1,}[\w.@~+-]*")
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s`>)]+", re.IGNORECASE)
_FRAME = re.compile(r'File "[^"]+", line \d+')
_ALLOWED_SCHEMES = ("attachment://", "https://discord.com/channels/")  # a jump link to a message is no leak


def scrubbed(text: str) -> str:
    """The last line of defence for an error reply: no control or format characters, paths,
    URLs (but Discord's attachment://) or traceback lines — whatever a message carried."""
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf"))
    text = _URL.sub(lambda m: m.group(0) if m.group(0).startswith(_ALLOWED_SCHEMES) else "…", text)
    text = _FRAME.sub("…", text)
    return _PATH.sub("…", text)


def leaks(text: str) -> list[str]:
    """The paths, URLs and traceback lines in ``text`` (for the tests that scan what members see)."""
    urls = [u for u in _URL.findall(text) if not u.startswith(_ALLOWED_SCHEMES)]
    return [*urls, *_FRAME.findall(text), *_PATH.findall(_URL.sub(" ", text))]
