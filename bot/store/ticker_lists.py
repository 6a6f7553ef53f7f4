"""A server's own named ticker lists: universes for ``setups`` beside the shipped ones."""

from __future__ import annotations

import sqlalchemy as sa

from bot.errors import BadArgument
from bot.store.db import Database
from bot.store.limits import Limit, hold, within_limit
from bot.store.schema import ticker_lists
from bot.store.transaction import transaction, utc_now
from bot.words.setups import lists_full

MAX_LISTS = 25  # per server (also Discord's autocomplete limit)
MAX_LIST_TICKERS = 100

_t = ticker_lists.c


LISTS_LIMIT = Limit("ticker_lists", ticker_lists, "guild_id", MAX_LISTS, lists_full, BadArgument)


class TickerListRepo:
    def __init__(self, db: Database, *, limit: Limit = LISTS_LIMIT):
        self.db = db
        self.limit = limit

    async def names(self, guild_id: int) -> list[str]:
        rows = await self.db.all(sa.select(_t.name).where(_t.guild_id == guild_id).order_by(_t.name))
        return [r["name"] for r in rows]

    async def get(self, guild_id: int, name: str) -> list[str] | None:
        text = await self.db.scalar(sa.select(_t.tickers).where(_t.guild_id == guild_id, _t.name == name))
        return None if text is None else text.split()

    async def save(self, guild_id: int, name: str, tickers: list[str]) -> bool:
        """Create or replace the list; returns whether it replaced one. A new list over the
        server's limit raises BadArgument; the count is taken inside the write's transaction
        (``bot.store.limits``), so concurrent saves can't pass it."""
        async with transaction(self.db) as conn:
            await hold(self.db, conn, LISTS_LIMIT.name, guild_id)
            existed = (await conn.execute(
                sa.select(sa.literal(1)).where(_t.guild_id == guild_id, _t.name == name))).first() is not None
            if not existed:
                await within_limit(self.db, conn, self.limit, guild_id, adding=1)
            stmt = self.db.insert(ticker_lists).values(guild_id=guild_id, name=name, tickers=" ".join(tickers),
                                                       updated_at=utc_now())
            await conn.execute(stmt.on_conflict_do_update(
                index_elements=["guild_id", "name"],
                set_={"tickers": stmt.excluded.tickers, "updated_at": stmt.excluded.updated_at}))
        return existed

    async def count(self, guild_id: int) -> int:
        return await self.db.scalar(sa.select(sa.func.count()).select_from(ticker_lists).where(_t.guild_id == guild_id))

    async def delete(self, guild_id: int, name: str) -> bool:
        async with transaction(self.db) as conn:
            result = await conn.execute(ticker_lists.delete().where(_t.guild_id == guild_id, _t.name == name))
            return result.rowcount > 0
