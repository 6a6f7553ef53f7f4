"""The intraday watch's prices: today's 5-minute bars from Yahoo Finance, one
``yf.download(interval="5m", period="1d")`` per chunk of at most ``BATCH_SIZE`` (50) tickers,
under the same hard time bound and retries as the daily data (:mod:`bot.market.yahoo`): each
chunk in a daemon thread, ``timeout`` per chunk, the whole within ``timeout`` × chunks, a failed
chunk retried, a rate limit or the budget running out ending the round's later chunks.

What comes back is each ticker's bars (tz-aware, New York time, indexed by bar start) and its
**quote**: the last bar's close, timed by its bar's end, or the fetch's time when that is sooner
(Yahoo's last bar is still trading). A ticker without bars (no data, halted, an empty frame) is
simply missing from the answer: the watch skips it without a word in the channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import pandas as pd
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.errors import DataSourceError, DataTimeout, RateLimited
from bot.market import yahoo
from bot.market.calendar import NEW_YORK
from bot.market.daemon import in_daemon_thread
from bot.threads import taking_turns
from bot.tickers import yahoo_symbol

log = logging.getLogger(__name__)

BATCH_SIZE = 50
BAR = pd.Timedelta(minutes=5)
FIELDS = ("Open", "High", "Low", "Close", "Volume")


@dataclass
class IntradayBatch:
    bars: dict[str, pd.DataFrame] = field(default_factory=dict)  # ticker -> today's 5-minute bars
    unavailable: dict[str, DataSourceError] = field(default_factory=dict)  # ticker -> why not fetched

    def quote(self, ticker: str, fetched_at: pd.Timestamp) -> tuple[float, pd.Timestamp] | None:
        """The ticker's last price and its own time (None: no bars)."""
        df = self.bars.get(ticker)
        if df is None or df.empty:
            return None
        at = min(df.index[-1] + BAR, fetched_at.tz_convert(NEW_YORK))
        return float(df["Close"].iloc[-1]), at


def _one(df: pd.DataFrame) -> pd.DataFrame | None:
    if not set(FIELDS).issubset(df.columns):
        return None
    out = df[list(FIELDS)].apply(pd.to_numeric, errors="coerce").astype(float)
    out = out[np.isfinite(out["Close"]) & (out["Close"] > 0)]
    if out.empty:
        return None
    idx = pd.DatetimeIndex(out.index)
    idx = idx.tz_localize("UTC") if idx.tz is None else idx
    out.index = idx.tz_convert(NEW_YORK).rename("Datetime")
    return out[~out.index.duplicated(keep="last")].sort_index()


def split_intraday(data: pd.DataFrame | None, symbols: Sequence[str]) -> dict[str, pd.DataFrame]:
    """One frame of 5-minute bars per symbol out of a download: multi-index columns grouped by
    ticker (``group_by="ticker"``: ticker, field) or by field (yfinance's default: field, ticker),
    or flat columns for a single symbol."""
    out: dict[str, pd.DataFrame] = {}
    if data is None or data.empty:
        return out
    cols = data.columns
    for sym in taking_turns(symbols):  # a daemon thread's pandas work: the event loop gets turns
        df: pd.DataFrame
        if isinstance(cols, pd.MultiIndex):
            if sym in cols.get_level_values(0):
                df = cast(pd.DataFrame, data[sym])  # (the symbol's columns: a frame)
            elif cols.nlevels > 1 and sym in cols.get_level_values(1):
                df = cast(pd.DataFrame, data.xs(sym, axis=1, level=1))
            else:
                continue
        elif len(symbols) == 1:
            df = data
        else:
            continue
        frame = _one(df.dropna(how="all"))
        if frame is not None:
            out[sym] = frame
    return out


class YahooIntraday:
    name = "yahoo"

    def __init__(self, *, timeout: float = 20.0, attempts: int = 2, download: Callable[..., pd.DataFrame] | None = None):
        self.timeout = timeout
        self.attempts = attempts
        self._download = download or yahoo._default_download
        self._said: set[tuple] = set()  # (session day, kind of failure) already in the log

    def _download_batch(self, symbols: list[str]) -> dict[str, pd.DataFrame]:
        kwargs = dict(tickers=symbols, period="1d", interval="5m", auto_adjust=False, actions=False, prepost=False,
                      group_by="ticker", threads=True, progress=False, timeout=min(10.0, self.timeout),
                      multi_level_index=True)
        collector = yahoo._Collect()
        yf_log = logging.getLogger("yfinance")
        with yahoo._DOWNLOAD_LOCK:
            yf_log.addHandler(collector)
            try:
                data = self._download(**kwargs)
            except Exception as exc:  # yfinance raised after all: rate limit or network
                name = type(exc).__name__.lower()
                if "ratelimit" in name or any(m in str(exc).lower() for m in yahoo._RATE_LIMIT_MARKERS):
                    raise RateLimited("Yahoo Finance is rate-limiting us. Try again in a few minutes.") from exc
                raise DataSourceError(f"Yahoo Finance failed ({type(exc).__name__}).") from exc
            finally:
                yf_log.removeHandler(collector)
        frames = split_intraday(data, symbols)
        problem = yahoo._classify(collector.messages)
        if problem == "rate_limited" and len(frames) < len(symbols):
            raise RateLimited("Yahoo Finance is rate-limiting us. Try again in a few minutes.")
        if problem == "failed" and not frames:
            raise DataSourceError("Yahoo Finance is not answering right now.")
        return frames

    async def _fetch_batch(self, symbols: list[str]) -> dict[str, pd.DataFrame]:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.5, max=4),
            retry=retry_if_exception(lambda e: isinstance(e, DataSourceError) and not isinstance(e, RateLimited)),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await in_daemon_thread(self._download_batch, symbols, name="yahoo-5m")
        raise AssertionError("unreachable")

    async def fetch(self, tickers: Sequence[str]) -> IntradayBatch:
        """Today's 5-minute bars of ``tickers``. Never raises for a data problem: what could not be
        fetched is in ``unavailable`` (logged once per round), what had no bars is absent."""
        by_symbol = {yahoo_symbol(t): t for t in tickers}
        symbols = list(by_symbol)
        out = IntradayBatch()
        chunks = [symbols[i: i + BATCH_SIZE] for i in range(0, len(symbols), BATCH_SIZE)]
        loop = asyncio.get_running_loop()
        budget = self.timeout * max(1, len(chunks))
        deadline = loop.time() + budget
        first_error: DataSourceError | None = None
        for k, chunk in enumerate(chunks):
            left = deadline - loop.time()
            try:
                if left <= 0:
                    raise asyncio.TimeoutError
                frames = await asyncio.wait_for(self._fetch_batch(chunk), timeout=left)
            except (asyncio.TimeoutError, DataSourceError) as exc:
                error = exc if isinstance(exc, DataSourceError) else DataTimeout(
                    f"Yahoo Finance did not answer within {budget:.0f} s.")
                first_error = first_error or error
                stop = isinstance(error, (RateLimited, DataTimeout))
                for sym in (s for c in (chunks[k:] if stop else [chunk]) for s in c):
                    out.unavailable[by_symbol[sym]] = error
                if stop:
                    break
                continue
            for sym, df in frames.items():
                out.bars[by_symbol[sym]] = df
        if first_error is not None:  # said once a day per kind of failure (a round comes every few minutes)
            said = (pd.Timestamp.now(tz=NEW_YORK).date(), type(first_error).__name__)
            level = logging.DEBUG if said in self._said else logging.WARNING
            self._said.add(said)
            log.log(level, "intraday: %d of %d tickers not fetched (%s)", len(out.unavailable), len(symbols),
                    first_error)
        return out
