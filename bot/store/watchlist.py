"""Each server's tracked tickers (at most :data:`MAX_WATCHLIST`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.errors import TooManyTickers
from bot.store.db import Database
from bot.store.transaction import transaction, utc_now

MAX_WATCHLIST = 50
# Added once, when a server that tracks nothing yet first picks an alerts channel.
DEFAULT_WATCHLIST: tuple[str, ...] = ("IWM", "MDY", "SPY", "QQQ")


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


async def insert_tickers(conn, guild_id: int, tickers: Iterable[str]) -> None:
    """Insert inside an open transaction (shared with the guild settings repo)."""
    now = utc_now()
    await conn.executemany(
        "INSERT OR IGNORE INTO watchlist (guild_id, ticker, added_at) VALUES (?, ?, ?)",
        [(guild_id, t, now) for t in tickers],
    )


class WatchlistRepo:
    def __init__(self, db: Database, *, limit: int = MAX_WATCHLIST):
        self.db = db
        self.limit = limit

    async def list(self, guild_id: int) -> list[str]:
        async with self.db.conn.execute(
            "SELECT ticker FROM watchlist WHERE guild_id = ? ORDER BY added_at, ticker", (guild_id,)
        ) as cur:
            return [r["ticker"] for r in await cur.fetchall()]

    async def add(self, guild_id: int, tickers: Iterable[str]) -> AddResult:
        """Add normalised tickers; all or none — over the limit raises TooManyTickers."""
        wanted = list(dict.fromkeys(tickers))
        async with transaction(self.db) as conn:
            async with conn.execute("SELECT ticker FROM watchlist WHERE guild_id = ?", (guild_id,)) as cur:
                have = {r["ticker"] for r in await cur.fetchall()}
            new = [t for t in wanted if t not in have]
            already = [t for t in wanted if t in have]
            if len(have) + len(new) > self.limit:
                room = self.limit - len(have)
                raise TooManyTickers(
                    f"A server can track at most {self.limit} tickers. This one tracks {len(have)}, "
                    f"so {max(room, 0)} more fit (you gave {len(new)} new). Remove some with `watch remove` first."
                )
            await insert_tickers(conn, guild_id, new)
        return AddResult(tuple(new), tuple(already), len(have) + len(new))

    async def remove(self, guild_id: int, tickers: Iterable[str]) -> RemoveResult:
        wanted = list(dict.fromkeys(tickers))
        removed, missing = [], []
        async with transaction(self.db) as conn:
            for t in wanted:
                cur = await conn.execute("DELETE FROM watchlist WHERE guild_id = ? AND ticker = ?", (guild_id, t))
                (removed if cur.rowcount else missing).append(t)
                await cur.close()
            async with conn.execute("SELECT COUNT(*) FROM watchlist WHERE guild_id = ?", (guild_id,)) as cur:
                total = (await cur.fetchone())[0]
        return RemoveResult(tuple(removed), tuple(missing), total)

    async def subscriptions(self) -> dict[str, list[Subscription]]:
        """ticker -> the servers with alerts on that track it (each ticker once)."""
        out: dict[str, list[Subscription]] = {}
        async with self.db.conn.execute(
            """
            SELECT w.ticker, g.guild_id, g.alerts_channel_id
            FROM watchlist w JOIN guild_settings g ON g.guild_id = w.guild_id
            WHERE g.alerts_enabled = 1 AND g.alerts_channel_id IS NOT NULL
            ORDER BY w.ticker, g.guild_id
            """
        ) as cur:
            for r in await cur.fetchall():
                out.setdefault(r["ticker"], []).append(Subscription(r["guild_id"], r["alerts_channel_id"]))
        return out
