"""Which market index: SPY (the default), QQQ or IWM, as a member or a server names it."""

from __future__ import annotations

from bot.errors import BadArgument
from bot.words.market import INDEX_CHOICES, unknown_index

DEFAULT_INDEX = "SPY"
INDEXES = INDEX_CHOICES


def parse_market_index(text: str | None) -> str | None:
    """'spy' / '$QQQ' -> 'SPY' / 'QQQ'; None or blank -> None (the default applies); anything
    else is BadArgument naming the choices."""
    if text is None or not str(text).strip():
        return None
    word = str(text).strip().upper().lstrip("$")
    if word not in INDEXES:
        raise BadArgument(unknown_index(str(text).strip()))
    return word
