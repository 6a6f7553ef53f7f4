"""The words of a server's watchlist: one line per tracked ticker for `watch list`, and what the
list means for announcements (pure).

The rules, stated once: announcements cover exactly the server's watchlist. The default
list (IWM, MDY, SPY, QQQ) is added only when alerts are turned on for the first time and
the watchlist is still empty; tickers added before that replace the defaults, they do not
join them. Scans run only for servers with alerts on. ``defaults`` is that default list
(:data:`bot.store.watchlist.DEFAULT_WATCHLIST`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.analysis.models import BaseResult
from bot.words.rows import TickerStateRow
from bot.words.vocabulary import PHASE_WORDS, STANDING_WORDS, day, price


def tickers_text(tickers: Sequence[str], *, shown: int = 10) -> str:
    """``IWM, SPY`` or ``A, B, … (+5 more)``."""
    head = ", ".join(tickers[:shown])
    return head if len(tickers) <= shown else f"{head}, … (+{len(tickers) - shown} more)"


# ---------------------------------------------------------------- `watch list`: where each ticker stands

def _distance(level: float | None, distance: float | None) -> str:
    if level is None or distance is None:
        return ""
    side = "above" if distance >= 0 else "below"
    return f" · {abs(distance):.1f}% {side} resistance {price(level)}"


def line_from_state(ticker: str, rec: TickerStateRow) -> str:
    """``rec`` is the scan's :class:`bot.store.engine_states.StateRecord` of the ticker."""
    words = PHASE_WORDS.get(rec.phase or "", rec.phase or "unknown")
    close = f" · close {price(rec.last_close)}" if rec.last_close is not None else ""
    when = f" ({day(rec.last_date)})" if rec.last_date else ""
    return f"**{ticker}** — {words}{close}{_distance(rec.level, rec.distance_pct)}{when}"


def line_from_base(ticker: str, result: BaseResult) -> str:
    """A ticker the scan has not seen yet: a quick base report."""
    words = STANDING_WORDS.get(result.status, result.status)
    level = result.resistance.level if result.resistance is not None else None
    return (f"**{ticker}** — {words} · close {price(result.last_close)}{_distance(level, result.distance_pct)}"
            f" ({day(result.last_date)}, not scanned yet)")


def line_unknown(ticker: str, why: str = "waiting for the first scan") -> str:
    return f"**{ticker}** — {why}"


# ---------------------------------------------------------------- what the list means for announcements

def after_change(*, alerts_on: bool, defaults_offered: bool, prefix: str, defaults: Sequence[str]) -> str:
    """Added to a `watch add`/`watch remove` reply: what the list does right now."""
    if alerts_on:
        return "Announcements cover exactly these tickers."
    text = f"Alerts are off, so nothing is announced yet: `{prefix}alerts channel #channel` turns them on for this list."
    if not defaults_offered:
        text += f" The default list ({', '.join(defaults)}) is only added to an empty watchlist, so it won't be added now."
    return text


def channel_set(*, added: Sequence[str], skipped_defaults: bool, tracked: Sequence[str], prefix: str,
                defaults: Sequence[str]) -> str:
    """Added to the `alerts channel` reply: which tickers the announcements cover."""
    if added:
        return (f"I started the watchlist with the default {', '.join(added)}; "
                f"change it with `{prefix}watch add` / `{prefix}watch remove`.")
    if not tracked:
        return f"The watchlist is empty, so nothing will be announced until `{prefix}watch add`."
    text = f"Announcements cover this server's {len(tracked)} tracked tickers: {tickers_text(tracked)}."
    if skipped_defaults:
        text += f" The default list ({', '.join(defaults)}) was not added because you had chosen tickers already."
    return text


def empty_watchlist(*, defaults_offered: bool, prefix: str, defaults: Sequence[str]) -> str:
    text = f"This server tracks no tickers yet. Add some with `{prefix}watch add IWM SPY`"
    if not defaults_offered:
        return text + f", or turn alerts on (`{prefix}alerts channel #channel`) to start with {', '.join(defaults)}."
    return text + "."


def _list(tickers: Sequence[str]) -> str:
    return ", ".join(tickers)


def _change(done: str, done_tickers: Sequence[str], skipped: str, skipped_tickers: Sequence[str], total: int,
            limit: int) -> str:
    """``✅ Now tracking IWM. Already tracked: SPY. 2/50 tickers tracked.`` (empty parts left out)."""
    parts = [f"{done} {_list(done_tickers)}."] if done_tickers else []
    if skipped_tickers:
        parts.append(f"{skipped}: {_list(skipped_tickers)}.")
    parts.append(f"{total}/{limit} tickers tracked.")
    return " ".join(parts)


def tracked_change(*, added: Sequence[str], already: Sequence[str], total: int, limit: int) -> str:
    return _change("✅ Now tracking", added, "Already tracked", already, total, limit)


def untracked_change(*, removed: Sequence[str], missing: Sequence[str], total: int, limit: int) -> str:
    return _change("🗑️ Stopped tracking", removed, "Not tracked", missing, total, limit)


def watchlist_full(most: int, have: int, adding: int) -> str:
    """``watch add`` would pass the server's limit (nothing was added)."""
    return (f"A server can track at most {most} tickers. This one tracks {have}, so {max(most - have, 0)} more fit "
            f"(you gave {adding} new). Remove some with `watch remove` first.")


def unknown_tickers(missing: Collection[str], nothing: str) -> str:
    """The data source has no prices for these tickers (``nothing``: "added", "saved")."""
    shown = ", ".join(f"`{t}`" for t in list(missing)[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
    return f"No price data for {shown}. Check the symbols; nothing was {nothing}."
