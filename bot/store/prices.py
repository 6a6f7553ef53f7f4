"""The price cache's rows: daily bars per ticker and, per ticker, what the cache holds."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from bot.store.db import Database
from bot.store.schema import price_bars, price_meta

_b, _m = price_bars.c, price_meta.c
BAR_COLUMNS = ("day", "open", "high", "low", "close", "volume", "adj_close")


class PriceRepo:
    def __init__(self, db: Database):
        self.db = db

    async def meta(self, tickers: Sequence[str]) -> dict[str, dict]:
        """ticker -> {first_day, last_day, fetched_at} for the tickers the cache knows."""
        if not tickers:
            return {}
        rows = await self.db.all(sa.select(_m.ticker, _m.first_day, _m.last_day, _m.fetched_at)
                                 .where(_m.ticker.in_(list(tickers))))
        return {r["ticker"]: dict(r) for r in rows}

    async def bars(self, ticker: str, first_day: str, last_day: str) -> Sequence[Sequence]:
        """(day, open, high, low, close, volume, adj_close) rows of first_day..last_day (ISO), oldest
        first, as the driver's row objects (sequences: turning each into a tuple here cost as much as
        the query on the event loop)."""
        async with self.db.reading() as conn:
            result = await conn.execute(
                sa.select(*(price_bars.c[c] for c in BAR_COLUMNS))
                .where(_b.ticker == ticker, _b.day >= first_day, _b.day <= last_day).order_by(_b.day))
            return result.all()

    async def store(self, ticker: str, rows: Sequence[tuple], *, first_day: str, last_day: str | None,
                    fetched_at: str, replace: bool) -> None:
        """Write bars (replacing the ticker's whole history when ``replace``) and its meta, in one transaction."""
        async with self.db.transaction() as conn:
            if replace:
                await conn.execute(price_bars.delete().where(_b.ticker == ticker))
            if rows:
                stmt = self.db.insert(price_bars)
                stmt = stmt.on_conflict_do_update(index_elements=["ticker", "day"],
                                                  set_={c: stmt.excluded[c] for c in BAR_COLUMNS[1:]})
                await conn.execute(stmt, [dict(zip(("ticker", *BAR_COLUMNS), (ticker, *r))) for r in rows])
            stmt = self.db.insert(price_meta).values(ticker=ticker, first_day=first_day, last_day=last_day,
                                                     fetched_at=fetched_at)
            await conn.execute(stmt.on_conflict_do_update(
                index_elements=["ticker"], set_={c: stmt.excluded[c] for c in ("first_day", "last_day", "fetched_at")}))
