"""Each server's tracked tickers (at most :data:`MAX_WATCHLIST`)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from bot.errors import TooManyTickers
from bot.store.db import Database
from bot.store.limits import Limit, hold
from bot.store.schema import guild_settings, watchlist
from bot.store.transaction import transaction, utc_now
from bot.words.watchlist import watchlist_full

MAX_WATCHLIST = 50
WATCHLIST_LIMIT = Limit("watchlist", watchlist, "guild_id", MAX_WATCHLIST, watchlist_full, TooManyTickers)
# Added once, when a server that tracks nothing yet first picks an alerts channel.
DEFAULT_WATCHLIST: tuple[str, ...] = ("IWM", "MDY", "SPY", "QQQ")

_w = watchlist.c


@dataclass(frozen=True)
class AddResult:
    added: tuple[str, ...]
    already: tuple[str, ...]
    total: int


@dataclass(frozen=True)
class RemoveResult:
    removed: tuple[str, ...]
    missing: tuple[str, ...]
    total: int


@dataclass(frozen=True)
class Subscription:
    """A server whose alerts are on, and where they go."""

    guild_id: int
    channel_id: int
    market_index: str = "SPY"  # the index whose state its announcements show
    followups: bool = True  # its breakouts get a thread of follow-ups


async def insert_tickers(db: Database, conn, guild_id: int, tickers: Iterable[str]) -> None:
    """Insert inside an open transaction (shared with the guild settings repo)."""
    now = utc_now()
    rows = [{"guild_id": guild_id, "ticker": t, "added_at": now} for t in tickers]
    if rows:
        await conn.execute(db.insert(watchlist).on_conflict_do_nothing(), rows)


class WatchlistRepo:
    def __init__(self, db: Database, *, limit: int = MAX_WATCHLIST):
        self.db = db
        self.limit = limit

    async def list(self, guild_id: int) -> list[str]:
        rows = await self.db.all(sa.select(_w.ticker).where(_w.guild_id == guild_id).order_by(_w.added_at, _w.ticker))
        return [r["ticker"] for r in rows]

    async def add(self, guild_id: int, tickers: Iterable[str]) -> AddResult:
        """Add normalised tickers; all or none — over the limit raises TooManyTickers. The limit
        is checked inside the write's transaction (``bot.store.limits``): concurrent adds can't pass it."""
        wanted = list(dict.fromkeys(tickers))
        async with transaction(self.db) as conn:
            await hold(self.db, conn, WATCHLIST_LIMIT.name, guild_id)
            have = set((await conn.execute(sa.select(_w.ticker).where(_w.guild_id == guild_id))).scalars())
            new = [t for t in wanted if t not in have]
            already = [t for t in wanted if t in have]
            if len(have) + len(new) > self.limit:
                raise TooManyTickers(watchlist_full(self.limit, len(have), len(new)))
            await insert_tickers(self.db, conn, guild_id, new)
        return AddResult(tuple(new), tuple(already), len(have) + len(new))

    async def remove(self, guild_id: int, tickers: Iterable[str]) -> RemoveResult:
        wanted = list(dict.fromkeys(tickers))
        removed: list[str] = []
        missing: list[str] = []
        async with transaction(self.db) as conn:
            for t in wanted:
                result = await conn.execute(watchlist.delete().where(_w.guild_id == guild_id, _w.ticker == t))
                (removed if result.rowcount else missing).append(t)
            total = (await conn.execute(
                sa.select(sa.func.count()).select_from(watchlist).where(_w.guild_id == guild_id))).scalar()
        return RemoveResult(tuple(removed), tuple(missing), total)

    async def intraday_subscriptions(self, tickers: Iterable[str]) -> dict[str, tuple[tuple[int, int, str], ...]]:
        """ticker -> (guild id, alerts channel id, market index) of the servers with alerts and the
        intraday notices on that track it, for ``tickers`` only (the intraday watch's candidates)."""
        g = guild_settings.c
        out: dict[str, builtins.list[tuple[int, int, str]]] = {}
        wanted = sorted(set(tickers))
        for i in range(0, len(wanted), 500):
            rows = await self.db.all(
                sa.select(_w.ticker, g.guild_id, g.alerts_channel_id, g.market_index)
                .join_from(watchlist, guild_settings, g.guild_id == _w.guild_id)
                .where(g.alerts_enabled == 1, g.intraday_enabled == 1, g.alerts_channel_id.is_not(None),
                       _w.ticker.in_(wanted[i:i + 500]))
                .order_by(_w.ticker, g.guild_id))
            for r in rows:
                out.setdefault(r["ticker"], []).append((r["guild_id"], r["alerts_channel_id"], r["market_index"] or "SPY"))
        return {t: tuple(v) for t, v in out.items()}

    async def subscriptions(self) -> dict[str, builtins.list[Subscription]]:  # (builtins: this class has a list method)
        """ticker -> the servers with alerts on that track it (each ticker once)."""
        out: dict[str, builtins.list[Subscription]] = {}
        g = guild_settings.c
        rows = await self.db.all(
            sa.select(_w.ticker, g.guild_id, g.alerts_channel_id, g.market_index, g.followups_enabled)
            .join_from(watchlist, guild_settings, g.guild_id == _w.guild_id)
            .where(g.alerts_enabled == 1, g.alerts_channel_id.is_not(None))
            .order_by(_w.ticker, g.guild_id))
        for r in rows:
            out.setdefault(r["ticker"], []).append(
                Subscription(r["guild_id"], r["alerts_channel_id"], r["market_index"] or "SPY",
                             bool(r["followups_enabled"])))
        return out
