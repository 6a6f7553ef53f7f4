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
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd

from bot.errors import DataSourceError
from bot.market import calendar
from bot.market.frames import beyond_rounding, clip
from bot.market.provider import PriceBatch, PriceProvider
from bot.store.db import Database
from bot.store.price_pack import arrays_of_rows
from bot.store.prices import PriceRepo
from bot.threads import off_loop

log = logging.getLogger(__name__)

OVERLAP_DAYS = 10  # calendar days re-fetched before the last cached bar
LIVE_REFRESH = timedelta(minutes=5)  # how often an unfinished bar is refreshed
EARLIEST = date(1970, 1, 1)
_COLUMNS = ["Open", "High", "Low", "Close", "Volume", "Adj Close"]


def frame_of_arrays(a: np.ndarray) -> pd.DataFrame:
    """The price frame of stored bars as a (7, n) array (``bot.store.price_pack``: day numbers,
    open, high, low, close, volume, adj close): float columns in one block (a missing value is
    NaN; Adj Close only when some bar has one) over a DatetimeIndex "Date" in microseconds, as
    the price files are read."""
    if a.shape[1] == 0:
        return pd.DataFrame(columns=_COLUMNS[:-1], index=pd.DatetimeIndex([], dtype="datetime64[us]", name="Date"),
                            dtype=float)
    index = pd.DatetimeIndex(a[0].astype(np.int64).astype("datetime64[D]").astype("datetime64[us]"), name="Date")
    names = _COLUMNS if not np.isnan(a[-1]).all() else _COLUMNS[:-1]
    return pd.DataFrame(a[1 : 1 + len(names)].T, index=index, columns=names, copy=False)


def frame_of_rows(rows: Sequence[Sequence]) -> pd.DataFrame:
    """``frame_of_arrays`` of stored (day, open, high, low, close, volume, adj close) rows."""
    return frame_of_arrays(arrays_of_rows(rows))


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


@dataclass(frozen=True)
class _Now:
    at: pd.Timestamp  # the clock, UTC
    final_at: pd.Timestamp  # a fetch at or after this holds the asked-for bars as final
    live: bool  # the newest asked-for bar is still trading


class PriceCache:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] | None = None):
        self.db = db
        self.prices = PriceRepo(db)
        self.clock = clock or (lambda: datetime.now(timezone.utc))

    # ---- storage -------------------------------------------------------------------
    async def _meta(self, tickers: Sequence[str]) -> dict[str, dict]:
        return await self.prices.meta(tickers)

    async def load(self, ticker: str, start: date | None = None, end: date | None = None) -> pd.DataFrame:
        first, last = (start or EARLIEST).isoformat(), (end or date(9999, 12, 31)).isoformat()
        packed = await self.prices.packed(ticker, first, last)  # a scan reads every tracked ticker's years
        if packed is not None:
            return frame_of_arrays(packed)
        rows = await self.prices.bars(ticker, first, last)  # bars stored before the packs
        return await off_loop(frame_of_rows, rows)  # (thousands of rows: not on the event loop)

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
    def _now(self, end: date) -> _Now:
        """What freshness depends on besides a ticker's meta, worked out once per request."""
        now = calendar.utc(self.clock())
        wanted = min(end, calendar.current_session(now))
        return _Now(now, calendar.final_at(wanted), wanted > calendar.last_final_session(now))

    def _fresh(self, meta: dict | None, start: date, end: date, now: _Now | None = None) -> bool:
        """Does the cache already hold every bar of start..end that exists by now?"""
        if meta is None or date.fromisoformat(meta["first_day"]) > start:
            return False
        now = now or self._now(end)
        fetched = calendar.utc(datetime.fromisoformat(meta["fetched_at"]))
        if fetched >= now.final_at:
            return True  # every bar asked for was already final when we fetched
        if now.live:  # the asked-for bar is still live: refresh now and then
            return now.at - fetched < LIVE_REFRESH
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
        now = self._now(end)
        # Group the tickers that need the same fetch window into one batched call.
        plans: dict[tuple[date, bool], list[str]] = defaultdict(list)
        for t in tickers:
            meta = metas.get(t)
            if self._fresh(meta, start, end, now):
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
                held = await self.load(t, fetch_start, self._settled_before(metas[t]))
                if revised(held["Close"], df["Close"]):
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
