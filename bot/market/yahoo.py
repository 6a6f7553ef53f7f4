"""Yahoo Finance through ``yf.download``: batched, off the event loop, hard time bound.

Facts this is built on (see the stack notes): ``download`` never raises — failures go to
the ``yfinance`` logger and an empty frame comes back; on a stalled network it can hang
for two minutes whatever its own ``timeout`` says; its default ``auto_adjust=True``
rewrites prices for dividends, which would move every chart level.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import cast

import pandas as pd
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bot.errors import DataSourceError, DataTimeout, RateLimited
from bot.market.daemon import in_daemon_thread
from bot.market.frames import OHLCV, to_price_frame
from bot.market.provider import PriceBatch
from bot.tickers import yahoo_symbol

log = logging.getLogger(__name__)

BATCH_SIZE = 50
_RATE_LIMIT_MARKERS = ("ratelimit", "rate limit", "too many requests", "429")
_MISSING_MARKERS = ("delisted", "no data found", "no price data", "tzmissing", "pricesmissing", "not found", "404")
# yfinance reports problems only through its logger: one download at a time, so the
# messages collected belong to the call that made them.
_DOWNLOAD_LOCK = threading.Lock()
# A stalled download can hold a thread for two minutes after we gave up on it: it runs in
# a daemon thread of its own (bot.market.daemon), so it neither starves the executor that
# renders charts nor keeps a finished process alive.


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _default_download(**kwargs) -> pd.DataFrame:
    import yfinance as yf

    return yf.download(**kwargs)


def _classify(messages: list[str]) -> str | None:
    text = " ".join(messages).lower()
    if any(m in text for m in _RATE_LIMIT_MARKERS):
        return "rate_limited"
    errors = [m.lower() for m in messages if m.strip()]
    if errors and not all(any(k in m for k in _MISSING_MARKERS) for m in errors):
        return "failed"
    return None


def split_download(data: pd.DataFrame | None, symbols: Sequence[str]) -> dict[str, pd.DataFrame]:
    """Split a ``download(group_by="ticker")`` frame into one price frame per symbol."""
    out: dict[str, pd.DataFrame] = {}
    if data is None or data.empty:
        return out
    for sym in symbols:
        df: pd.DataFrame
        if isinstance(data.columns, pd.MultiIndex):
            if sym not in data.columns.get_level_values(0):
                continue
            df = cast(pd.DataFrame, data[sym])  # (the symbol's columns: a frame)
        else:
            df = data
        if not set(OHLCV).issubset(df.columns):
            continue
        frame = to_price_frame(df.dropna(how="all"))
        if not frame.empty:
            out[sym] = frame
    return out


class YahooProvider:
    name = "yahoo"

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        attempts: int = 2,
        download: Callable[..., pd.DataFrame] | None = None,
    ):
        self.timeout = timeout
        self.attempts = attempts
        self._download = download or _default_download

    def _download_batch(self, symbols: list[str], start: date | None, end: date | None) -> dict[str, pd.DataFrame]:
        kwargs = dict(
            tickers=symbols,
            start=start.isoformat() if start else None,
            end=(end + timedelta(days=1)).isoformat() if end else None,  # Yahoo's end is exclusive
            period=None if start else "max",
            interval="1d",
            auto_adjust=False,
            actions=False,
            group_by="ticker",
            threads=True,
            progress=False,
            timeout=min(10.0, self.timeout),
            multi_level_index=True,
        )
        collector = _Collect()
        yf_log = logging.getLogger("yfinance")
        with _DOWNLOAD_LOCK:
            yf_log.addHandler(collector)
            try:
                data = self._download(**kwargs)
            except Exception as exc:  # yfinance raised after all: rate limit or network
                name = type(exc).__name__.lower()
                if "ratelimit" in name or any(m in str(exc).lower() for m in _RATE_LIMIT_MARKERS):
                    raise RateLimited("Yahoo Finance is rate-limiting us. Try again in a few minutes.") from exc
                raise DataSourceError(f"Yahoo Finance failed ({type(exc).__name__}).") from exc
            finally:
                yf_log.removeHandler(collector)
        frames = split_download(data, symbols)
        problem = _classify(collector.messages)
        if problem == "rate_limited" and len(frames) < len(symbols):
            raise RateLimited("Yahoo Finance is rate-limiting us. Try again in a few minutes.")
        if problem == "failed" and not frames:
            raise DataSourceError("Yahoo Finance is not answering right now.")
        return frames

    async def _fetch_batch(self, symbols: list[str], start, end) -> dict[str, pd.DataFrame]:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.5, max=4),
            retry=retry_if_exception(lambda e: isinstance(e, DataSourceError) and not isinstance(e, RateLimited)),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await in_daemon_thread(self._download_batch, symbols, start, end, name="yahoo")
        raise AssertionError("unreachable")

    async def fetch(
        self, tickers: Sequence[str], start: date | None = None, end: date | None = None
    ) -> PriceBatch:
        """One ``yf.download`` per chunk of ``BATCH_SIZE`` symbols, the whole within a time budget
        (``timeout`` per chunk). A chunk that fails, or the chunks the budget leaves, become
        ``unavailable`` (the tickers named, with the error) and the others are returned: a screen
        of 500 tickers answers with what it has. Nothing fetched at all raises the error."""
        by_symbol = {yahoo_symbol(t): t for t in tickers}
        symbols = list(by_symbol)
        out = PriceBatch()
        chunks = [symbols[i : i + BATCH_SIZE] for i in range(0, len(symbols), BATCH_SIZE)]
        budget = self.timeout * max(1, len(chunks))
        deadline = asyncio.get_running_loop().time() + budget
        first_error: DataSourceError | None = None
        for k, chunk in enumerate(chunks):
            left = deadline - asyncio.get_running_loop().time()
            try:
                if left <= 0:
                    raise asyncio.TimeoutError
                frames = await asyncio.wait_for(self._fetch_batch(chunk, start, end), timeout=left)
            except (asyncio.TimeoutError, DataSourceError) as exc:
                error = exc if isinstance(exc, DataSourceError) else DataTimeout(
                    f"Yahoo Finance did not answer within {budget:.0f} s.")
                first_error = first_error or error
                # rate-limited or out of time: the later chunks would fail the same way
                stop = isinstance(error, (RateLimited, DataTimeout))
                lost = [sym for c in (chunks[k:] if stop else [chunk]) for sym in c]
                for sym in lost:
                    out.unavailable[by_symbol[sym]] = error
                if stop:
                    break
                continue
            for sym, df in frames.items():
                df.attrs["source"] = self.name
                out[by_symbol[sym]] = df
        if first_error is not None:
            if not out:
                raise first_error  # nothing at all: the caller says so, once
            log.warning("yahoo: %d of %d tickers unavailable (%s)", len(out.unavailable), len(symbols), first_error)
        return out
