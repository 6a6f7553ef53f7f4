"""The price cache (in the store, SQLite or PostgreSQL; shared by every process of the bot): a repeated request never refetches a final bar.

Per ticker we remember from which date history was requested (``first_day``), the newest
bar held and when it was fetched. A request is served from the cache when the cache
covers its start and holds every bar that is final by now (XNYS calendar, so weekends and
holidays are never "missing"). Otherwise only the tail is fetched, overlapping the last
cached bars; if the overlap disagrees beyond rounding (a split, a vendor revision) the
whole history is refetched and replaced, so a chart never mixes pre- and post-split prices.
When the source fails, cached bars are served with ``attrs["stale"] = True``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd

from bot.errors import DataSourceError
from bot.market import calendar
from bot.market.frames import beyond_rounding, clip
from bot.market.provider import PriceBatch, PriceProvider
from bot.store.db import Database
from bot.store.prices import PriceRepo
from bot.threads import off_loop

log = logging.getLogger(__name__)

OVERLAP_DAYS = 10  # calendar days re-fetched before the last cached bar
LIVE_REFRESH = timedelta(minutes=5)  # how often an unfinished bar is refreshed
EARLIEST = date(1970, 1, 1)
_COLUMNS = ["Open", "High", "Low", "Close", "Volume", "Adj Close"]


def frame_of_rows(rows: Sequence[Sequence]) -> pd.DataFrame:
    """The price frame of stored (day, open, high, low, close, volume, adj close) rows, oldest
    first: float columns in one block (a missing value is NaN; Adj Close only when some bar has
    one) over a DatetimeIndex "Date" in microseconds, as the price files are read."""
    if not rows:
        return pd.DataFrame(columns=_COLUMNS[:-1], index=pd.DatetimeIndex([], dtype="datetime64[us]", name="Date"),
                            dtype=float)
    days, *columns = zip(*rows)
    index = pd.DatetimeIndex(np.array(days, dtype="datetime64[D]").astype("datetime64[us]"), name="Date")
    values = np.array(columns, dtype=float)  # (column, bar); None becomes NaN
    names = _COLUMNS if not np.isnan(values[-1]).all() else _COLUMNS[:-1]
    return pd.DataFrame(values[: len(names)].T, index=index, columns=names, copy=False)


def _num(x) -> float | None:
    """A plain float (PostgreSQL's driver takes no numpy integers), None for a missing value."""
    return None if pd.isna(x) else float(x)


def revised(old: pd.Series, new: pd.Series) -> bool:
    """True when closes on shared dates differ by more than Yahoo's cent rounding."""
    both = pd.concat([old, new], axis=1, join="inner").dropna()
    if both.empty:
        return False
    a, b = both.iloc[:, 0].to_numpy(), both.iloc[:, 1].to_numpy()
    return bool(np.any(beyond_rounding(a, b)))


class PriceCache:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] | None = None):
        self.db = db
        self.prices = PriceRepo(db)
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    # ---- storage -------------------------------------------------------------------
    async def _meta(self, tickers: Sequence[str]) -> dict[str, dict]:
        return await self.prices.meta(tickers)

    async def load(self, ticker: str, start: date | None = None, end: date | None = None) -> pd.DataFrame:
        rows = await self.prices.bars(ticker, (start or EARLIEST).isoformat(), (end or date(9999, 12, 31)).isoformat())
        # a scan loads every tracked ticker's years of bars: the frames are built in the lane,
        # not on the event loop
        return await off_loop(frame_of_rows, rows)

    async def _store(self, ticker: str, df: pd.DataFrame, *, first_day: date, replace: bool) -> None:
        adj = df["Adj Close"] if "Adj Close" in df.columns else pd.Series(np.nan, index=df.index)
        rows = [
            (ticker, ts.date().isoformat(), _num(o), _num(h), _num(lo), float(c), _num(v), _num(a))
            for ts, o, h, lo, c, v, a in zip(
                df.index, df["Open"], df["High"], df["Low"], df["Close"], df["Volume"], adj
            )
        ]
        meta = await self._meta([ticker])
        old = meta.get(ticker)
        first = first_day if replace or old is None else min(first_day, date.fromisoformat(old["first_day"]))
        last = df.index[-1].date().isoformat() if len(df) else (old or {}).get("last_day")
        if old and not replace and old["last_day"] and last and old["last_day"] > last:
            last = old["last_day"]
        await self.prices.store(ticker, [r[1:] for r in rows], first_day=first.isoformat(), last_day=last,
                                fetched_at=self.clock().isoformat(), replace=replace)

    # ---- policy --------------------------------------------------------------------
    def _fresh(self, meta: dict | None, start: date, end: date) -> bool:
        """Does the cache already hold every bar of start..end that exists by now?"""
        if meta is None or date.fromisoformat(meta["first_day"]) > start:
            return False
        now = self.clock()
        fetched = datetime.fromisoformat(meta["fetched_at"])
        wanted = min(end, calendar.current_session(now))
        final_now = calendar.last_final_session(now)
        if wanted <= calendar.last_final_session(fetched):
            return True  # every bar asked for was already final when we fetched
        if wanted > final_now:  # the asked-for bar is still live: refresh now and then
            return now - fetched < LIVE_REFRESH
        return False

    @staticmethod
    def _settled_before(meta: dict) -> date:
        """Newest cached day that can show a split or revision: bars still live when they
        were fetched move on their own (a 2% intraday move is not a split), and the newest
        cached bar may be live on a market with other hours (crypto, non-US), so neither is
        compared. Older overlapped bars are plenty to see a split."""
        settled = calendar.last_final_session(datetime.fromisoformat(meta["fetched_at"]))
        return min(settled, date.fromisoformat(meta["last_day"]) - timedelta(days=1))

    async def get_many(
        self,
        provider: PriceProvider,
        tickers: Sequence[str],
        *,
        start: date | None = None,
        end: date | None = None,
    ) -> PriceBatch:
        start = start or EARLIEST
        end = end or self.clock().date()
        metas = await self._meta(tickers)
        # Group the tickers that need the same fetch window into one batched call.
        plans: dict[tuple[date, bool], list[str]] = defaultdict(list)
        for t in tickers:
            meta = metas.get(t)
            if self._fresh(meta, start, end):
                continue
            if meta is None or date.fromisoformat(meta["first_day"]) > start or meta["last_day"] is None:
                plans[(start, True)].append(t)
            else:
                tail = date.fromisoformat(meta["last_day"]) - timedelta(days=OVERLAP_DAYS)
                plans[(max(tail, start), False)].append(t)
        stale: set[str] = set()
        unavailable: dict[str, DataSourceError] = {}
        for (fetch_start, full), group in plans.items():
            try:
                got = await provider.fetch(group, fetch_start, None)
            except DataSourceError as exc:
                cached = [t for t in group if t in metas]
                if cached:
                    log.warning("price source failed for %s (%s); serving cached bars of %s",
                                ",".join(group), exc, ",".join(cached))
                else:  # the caller reports the failure itself
                    log.info("price source failed for %s (%s); nothing cached", ",".join(group), exc)
                stale.update(t for t in group if t in metas)
                unavailable.update({t: exc for t in group if t not in metas})
                continue
            # a cached ticker the source left out of its answer is served from the cache; one it
            # failed on with nothing cached is reported as the source's failure
            stale.update(t for t in group if t in metas and t not in got)
            unavailable.update({t: e for t, e in getattr(got, "unavailable", {}).items() if t not in metas})
            refetch = []
            for t, df in got.items():
                if full:
                    await self._store(t, df, first_day=fetch_start, replace=True)
                    continue
                cached = await self.load(t, fetch_start, self._settled_before(metas[t]))
                if revised(cached["Close"], df["Close"]):
                    log.info("%s: cached bars disagree with the source (split or revision); refetching", t)
                    refetch.append(t)
                else:
                    await self._store(t, df, first_day=fetch_start, replace=False)
            if refetch:
                first = min(date.fromisoformat(metas[t]["first_day"]) for t in refetch)
                try:
                    whole = await provider.fetch(refetch, first, None)
                except DataSourceError as exc:
                    log.warning("refetch of %s failed: %s; serving cached bars", ",".join(refetch), exc)
                    whole = {}
                for t in refetch:
                    if t in whole:
                        await self._store(t, whole[t], first_day=first, replace=True)
                    else:  # keep the old, consistent history rather than mix in the new tail
                        stale.add(t)
        out = PriceBatch(unavailable=unavailable)
        for t in tickers:
            df = await self.load(t, start, end)
            if df.empty:
                continue
            df.attrs["stale"] = t in stale
            out[t] = clip(df, start, end)
            out[t].attrs.update(df.attrs)
        return out
