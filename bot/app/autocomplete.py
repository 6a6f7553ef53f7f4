"""Ticker suggestions for slash-command options.

Sources, best first: the server's watchlist (when the watchlist store exists), the tickers
the data source is known to have (a CSV directory lists them), then common ETFs.
Matches that start with what was typed come before matches that merely contain it.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.errors import StoreUnavailable

log = logging.getLogger(__name__)

MAX_CHOICES = 25  # Discord's limit
COMMON_TICKERS: tuple[str, ...] = (
    "SPY", "QQQ", "IWM", "MDY", "DIA", "TLT", "GLD", "SLV", "USO", "UUP", "HYG", "LQD",
    "XLK", "XLF", "XLE", "XLV", "XLI", "XLY", "XLP", "XLU", "XLB", "XLRE", "XLC",
    "SMH", "SOXX", "IBB", "XBI", "KRE", "KBE", "XHB", "ITB", "XRT", "XME", "GDX", "GDXJ",
    "ARKK", "EEM", "EFA", "FXI", "EWZ", "EWJ", "VTI", "VOO", "RSP", "IJR", "IJH",
    "^GSPC", "^NDX", "^RUT", "^VIX", "BTC-USD", "ETH-USD",
)


async def watchlist_tickers(bot, guild_id: int | None) -> list[str]:
    """The server's tracked tickers, or [] when there is no watchlist store."""
    services = getattr(bot, "services", None)
    if guild_id is None or services is None or services.db is None:
        return []
    try:
        return [str(t) for t in await services.watchlist.tickers(guild_id)]
    except StoreUnavailable:  # the store's outage line says it: no line per keystroke
        return []
    except Exception:  # suggestions are a convenience: never fail the keystroke
        log.warning("watchlist lookup for autocomplete failed (guild %s)", guild_id, exc_info=True)
        return []


def source_tickers(bot) -> list[str]:
    """Tickers the data source says it has (a CSV directory can list them)."""
    services = getattr(bot, "services", None)
    return services.source.tickers() if services is not None else []


def rank(current: str, *sources: list[str], limit: int = MAX_CHOICES) -> list[str]:
    """Candidates matching ``current`` (case-insensitive): prefix matches first, source order kept."""
    typed = current.strip().lstrip("$").upper()
    seen: dict[str, None] = {}
    for source in sources:
        for t in source:
            seen.setdefault(t.upper(), None)
    candidates = list(seen)
    if not typed:
        return candidates[:limit]
    starts = [t for t in candidates if t.startswith(typed)]
    contains = [t for t in candidates if typed in t and not t.startswith(typed)]
    return (starts + contains)[:limit]


async def ticker_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    bot = interaction.client
    found = rank(
        current,
        await watchlist_tickers(bot, interaction.guild_id),
        list(COMMON_TICKERS),
        source_tickers(bot),
    )
    return [app_commands.Choice(name=t, value=t) for t in found]
