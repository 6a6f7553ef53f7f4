"""A server's watchlist (the `watch` commands, minus Discord): parse, validate, store, describe."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import date, timedelta

from bot.errors import BadArgument, BreakoutError, UnknownTicker
from bot.scan.scanner import DEFAULT_LOOKBACK_DAYS
from bot.store.db import Database
from bot.store.engine_states import EngineStateRepo
from bot.store.guilds import GuildSettings, GuildSettingsRepo
from bot.store.watchlist import DEFAULT_WATCHLIST as DEFAULT_WATCHLIST  # for the faces
from bot.store.watchlist import MAX_WATCHLIST, AddResult, RemoveResult, WatchlistRepo
from bot.tickers import normalize_tickers
from bot.words.watchlist import line_from_base, line_from_state, line_unknown, unknown_tickers

log = logging.getLogger(__name__)

QUICK_REPORTS = 12  # tickers the scan has not seen yet get a quick base check, up to this many


def parse_ticker_words(text: str | None) -> list[str]:
    parts = [w for w in re.split(r"[\s,]+", text or "") if w]
    if not parts:
        raise BadArgument("Give one or more tickers, like `IWM SPY QQQ`.")
    return normalize_tickers(parts, minimum=1, maximum=MAX_WATCHLIST)


async def add_tickers(db: Database, market, guild_id: int, text: str | None) -> AddResult:
    """Validate every ticker (format, then the data source has it), then add all or none."""
    tickers = parse_ticker_words(text)
    repo = WatchlistRepo(db)
    have = set(await repo.list(guild_id))
    new = [t for t in tickers if t not in have]
    await check_known(market, new, nothing="added")
    return await repo.add(guild_id, tickers)


async def check_known(market, tickers: list[str], *, nothing: str) -> None:
    """UnknownTicker naming every ticker the data source has no prices for (``watch add`` and
    ``universe save`` check the same way); ``nothing``: what was not done ("added", "saved")."""
    if not tickers:
        return
    start = date.today() - timedelta(days=DEFAULT_LOOKBACK_DAYS)
    frames = await market.histories(tickers, start=start)
    missing = [t for t in tickers if t not in frames]
    if missing:
        raise UnknownTicker(unknown_tickers(missing, nothing))


async def remove_tickers(db: Database, guild_id: int, text: str | None) -> RemoveResult:
    return await WatchlistRepo(db).remove(guild_id, parse_ticker_words(text))


async def watch_lines(db: Database, market, guild_id: int) -> list[str]:
    """One line per tracked ticker: from the scan's stored state, else a quick base check."""
    tickers = await WatchlistRepo(db).list(guild_id)
    states = await EngineStateRepo(db).get_many(tickers)
    unseen = [t for t in tickers if t not in states][:QUICK_REPORTS]
    quick = dict(zip(unseen, await asyncio.gather(*(_quick(market, t) for t in unseen))))
    out = []
    for t in tickers:
        if t in states:
            out.append(line_from_state(t, states[t]))
        elif quick.get(t) is not None:
            out.append(line_from_base(t, quick[t]))
        else:
            out.append(line_unknown(t))
    return out


async def _quick(market, ticker: str):
    from bot.services.base import make_base_report

    try:
        return (await make_base_report(market, ticker, render=False)).result
    except BreakoutError as exc:
        log.debug("quick base check of %s failed: %s", ticker, exc)
        return None


class WatchlistService:
    """Track, untrack and list a server's tickers."""

    max_tickers = MAX_WATCHLIST

    def __init__(self, db: Database, market):
        self.db = db
        self.market = market

    async def track(self, guild_id: int, text: str | None) -> AddResult:
        return await add_tickers(self.db, self.market, guild_id, text)

    async def untrack(self, guild_id: int, text: str | None) -> RemoveResult:
        return await remove_tickers(self.db, guild_id, text)

    async def tickers(self, guild_id: int) -> list[str]:
        return await WatchlistRepo(self.db).list(guild_id)

    async def lines(self, guild_id: int) -> list[str]:
        return await watch_lines(self.db, self.market, guild_id)

    async def settings(self, guild_id: int) -> GuildSettings:
        """The server's alert settings: what its watchlist means for announcements."""
        return await GuildSettingsRepo(self.db).get(guild_id)
