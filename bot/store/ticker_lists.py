"""A server's own named ticker lists: universes for ``setups`` beside the shipped ones."""

from __future__ import annotations

from bot.store.db import Database
from bot.store.transaction import transaction, utc_now

MAX_LISTS = 25  # per server (also Discord's autocomplete limit)
MAX_LIST_TICKERS = 100


class TickerListRepo:
    def __init__(self, db: Database):
        self.db = db

    async def names(self, guild_id: int) -> list[str]:
        async with self.db.conn.execute(
            "SELECT name FROM ticker_lists WHERE guild_id = ? ORDER BY name", (guild_id,)
        ) as cur:
            return [r["name"] for r in await cur.fetchall()]

    async def get(self, guild_id: int, name: str) -> list[str] | None:
        async with self.db.conn.execute(
            "SELECT tickers FROM ticker_lists WHERE guild_id = ? AND name = ?", (guild_id, name)
        ) as cur:
            row = await cur.fetchone()
        return None if row is None else row["tickers"].split()

    async def save(self, guild_id: int, name: str, tickers: list[str]) -> bool:
        """Create or replace the list; returns whether it replaced one."""
        async with transaction(self.db) as conn:
            async with conn.execute("SELECT 1 FROM ticker_lists WHERE guild_id = ? AND name = ?",
                                    (guild_id, name)) as cur:
                existed = await cur.fetchone() is not None
            await conn.execute(
                "INSERT INTO ticker_lists (guild_id, name, tickers, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (guild_id, name) DO UPDATE SET tickers = excluded.tickers, updated_at = excluded.updated_at",
                (guild_id, name, " ".join(tickers), utc_now()),
            )
        return existed

    async def count(self, guild_id: int) -> int:
        async with self.db.conn.execute("SELECT COUNT(*) FROM ticker_lists WHERE guild_id = ?", (guild_id,)) as cur:
            return (await cur.fetchone())[0]

    async def delete(self, guild_id: int, name: str) -> bool:
        async with transaction(self.db) as conn:
            before = conn.total_changes
            await conn.execute("DELETE FROM ticker_lists WHERE guild_id = ? AND name = ?", (guild_id, name))
            return conn.total_changes > before
