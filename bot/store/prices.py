"""The price cache's rows: daily bars per ticker, the same bars packed by year (what a read
takes), and, per ticker, what the cache holds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import sqlalchemy as sa

from bot.analysis.bars import date_to_day
from bot.store.db import Database
from bot.store.price_pack import arrays_of_rows, by_year, joined, merged, pack, unpack
from bot.store.schema import price_bars, price_meta, price_packs
from bot.threads import off_loop

_b, _m, _p = price_bars.c, price_meta.c, price_packs.c
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

    async def packed(self, ticker: str, first_day: str, last_day: str) -> np.ndarray | None:
        """The bars of first_day..last_day (ISO) as a (7, n) array: day numbers, open, high, low,
        close, volume, adj close (``bot.store.price_pack``); None when no pack covers those years
        (nothing there, or bars stored before the packs): ``bars`` then answers."""
        async with self.db.reading() as conn:
            result = await conn.execute(
                sa.select(_p.bars, _p.data)
                .where(_p.ticker == ticker, _p.year >= int(first_day[:4]), _p.year <= int(last_day[:4]))
                .order_by(_p.year))
            found = result.all()
        if not found:
            return None
        return joined((unpack(r.data, r.bars) for r in found), date_to_day(date.fromisoformat(first_day)),
                      date_to_day(date.fromisoformat(last_day)))

    async def store(self, ticker: str, rows: Sequence[tuple], *, first_day: str, last_day: str | None,
                    fetched_at: str, replace: bool) -> None:
        """Write bars (replacing the ticker's whole history when ``replace``), their packs and the
        ticker's meta, in one transaction."""
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
            await self._repack(conn, ticker, rows, replace)

    async def _repack(self, conn, ticker: str, rows: Sequence[tuple], replace: bool) -> None:
        """Bring the ticker's packs in step with its bars after a write of ``rows``: every year
        anew after a replace; else the years the rows touch, merged as the upsert merged them; a
        ticker not packed yet (bars cached before the packs) is packed whole, once. (On
        PostgreSQL two writers of one ticker cannot interleave here: the price_meta upsert before
        it holds the ticker's row lock until the transaction ends.)"""
        # (the rows of a ticker's history are thousands: their arrays are made in the lane)
        if replace:
            await conn.execute(price_packs.delete().where(_p.ticker == ticker))
            packs = by_year(await off_loop(arrays_of_rows, rows))
        elif not (await conn.execute(sa.select(sa.func.count()).where(_p.ticker == ticker))).scalar():
            every = await conn.execute(sa.select(*(price_bars.c[c] for c in BAR_COLUMNS))
                                       .where(_b.ticker == ticker).order_by(_b.day))
            packs = by_year(await off_loop(arrays_of_rows, every.all()))
        else:
            packs = by_year(await off_loop(arrays_of_rows, rows))
            old = await conn.execute(sa.select(_p.year, _p.bars, _p.data)
                                     .where(_p.ticker == ticker, _p.year.in_(list(packs))))
            for r in old.all():
                packs[r.year] = merged(unpack(r.data, r.bars), packs[r.year])
        if packs:
            stmt = self.db.insert(price_packs)
            stmt = stmt.on_conflict_do_update(index_elements=["ticker", "year"],
                                              set_={"bars": stmt.excluded.bars, "data": stmt.excluded.data})
            await conn.execute(stmt, [{"ticker": ticker, "year": y, "bars": a.shape[1], "data": pack(a)}
                                      for y, a in packs.items()])
