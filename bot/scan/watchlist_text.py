"""The words that explain what a server's watchlist means for announcements (pure).

The rules, stated once: announcements cover exactly the server's watchlist. The default
list (IWM, MDY, SPY, QQQ) is added only when alerts are turned on for the first time and
the watchlist is still empty; tickers added before that replace the defaults, they do not
join them. Scans run only for servers with alerts on.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.store.watchlist import DEFAULT_WATCHLIST

DEFAULTS = ", ".join(DEFAULT_WATCHLIST)


def tickers_text(tickers: Sequence[str], *, shown: int = 10) -> str:
    """``IWM, SPY`` or ``A, B, … (+5 more)``."""
    head = ", ".join(tickers[:shown])
    return head if len(tickers) <= shown else f"{head}, … (+{len(tickers) - shown} more)"


def after_change(*, alerts_on: bool, defaults_offered: bool, prefix: str) -> str:
    """Added to a `watch add`/`watch remove` reply: what the list does right now."""
    if alerts_on:
        return "Announcements cover exactly these tickers."
    text = f"Alerts are off, so nothing is announced yet: `{prefix}alerts channel #channel` turns them on for this list."
    if not defaults_offered:
        text += f" The default list ({DEFAULTS}) is only added to an empty watchlist, so it won't be added now."
    return text


def channel_set(*, added: Sequence[str], skipped_defaults: bool, tracked: Sequence[str], prefix: str) -> str:
    """Added to the `alerts channel` reply: which tickers the announcements cover."""
    if added:
        return (f"I started the watchlist with the default {', '.join(added)}; "
                f"change it with `{prefix}watch add` / `{prefix}watch remove`.")
    if not tracked:
        return f"The watchlist is empty, so nothing will be announced until `{prefix}watch add`."
    text = f"Announcements cover this server's {len(tracked)} tracked tickers: {tickers_text(tracked)}."
    if skipped_defaults:
        text += f" The default list ({DEFAULTS}) was not added because you had chosen tickers already."
    return text


def empty_watchlist(*, defaults_offered: bool, prefix: str) -> str:
    text = f"This server tracks no tickers yet. Add some with `{prefix}watch add IWM SPY`"
    if not defaults_offered:
        return text + f", or turn alerts on (`{prefix}alerts channel #channel`) to start with {DEFAULTS}."
    return text + "."
