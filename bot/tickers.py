"""Ticker validation and normalisation, done before any fetch."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.errors import InvalidTicker, TooManyTickers, echo

# Letters/digits with optional class suffix (BRK.B, BF-B), an index (^GSPC),
# a crypto/FX pair (BTC-USD) or a futures/FX suffix (ES=F, EURUSD=X).
_TICKER_RE = re.compile(r"^\^?[A-Z0-9]{1,10}(?:[.\-][A-Z0-9]{1,5})?(?:=[FX])?$")
MAX_TICKER_LENGTH = 15


def normalize_ticker(text: str) -> str:
    """Return the canonical form of ``text`` (``$iwm`` -> ``IWM``) or raise InvalidTicker."""
    if not isinstance(text, str):
        raise InvalidTicker("A ticker must be text, like IWM or BRK.B.")
    cleaned = text.strip().upper()
    if cleaned.startswith("$"):
        cleaned = cleaned[1:]
    shown = echo(text)
    if not cleaned:
        raise InvalidTicker("Give a ticker symbol, like IWM or BRK.B.")
    if len(cleaned) > MAX_TICKER_LENGTH or not _TICKER_RE.match(cleaned) or not re.search(r"[A-Z]", cleaned):
        raise InvalidTicker(
            f"`{shown}` is not a ticker symbol. Use letters like IWM, BRK.B, ^GSPC or BTC-USD."
        )
    return cleaned


def normalize_tickers(texts: Iterable[str], *, minimum: int = 1, maximum: int = 6) -> list[str]:
    """Normalise several tickers, dropping duplicates but keeping order."""
    out: list[str] = []
    for text in texts:
        ticker = normalize_ticker(text)
        if ticker not in out:
            out.append(ticker)
    if len(out) < minimum:
        raise InvalidTicker(f"Give at least {minimum} different tickers.")
    if len(out) > maximum:
        raise TooManyTickers(f"At most {maximum} tickers at once (got {len(out)}).")
    return out


# One-letter Yahoo exchange suffixes (London, Tokyo, Frankfurt, TSX Venture): ``VOD.L`` is
# a listing, not share class L. Longer suffixes (.TO .AX .HK .DE ...) are always exchanges.
_EXCHANGE_LETTERS = frozenset("LTFV")


def yahoo_symbol(ticker: str) -> str:
    """Yahoo spells US share classes with a dash (BRK.B -> BRK-B) and keeps the dot of an
    exchange suffix (SHOP.TO, 7203.T, VOD.L)."""
    root, dot, suffix = ticker.partition(".")
    if not dot:
        return ticker
    if len(suffix) == 1 and root.isalpha() and suffix not in _EXCHANGE_LETTERS:
        return f"{root}-{suffix}"
    return ticker
