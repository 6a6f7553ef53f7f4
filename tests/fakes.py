"""Test doubles for the market layer, built from synthetic series."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from bot.market.frames import clip


def synthetic_daily(start: str = "2023-01-02", end: str = "2024-06-28", *, price: float = 100.0, seed: int = 1) -> pd.DataFrame:
    """A business-day OHLCV frame following a seeded random walk."""
    idx = pd.bdate_range(start, end, name="Date")
    rng = np.random.default_rng(seed)
    close = price * np.exp(np.cumsum(rng.normal(0, 0.01, len(idx))))
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) * 1.004
    low = np.minimum(open_, close) * 0.996
    vol = rng.integers(1_000_000, 2_000_000, len(idx)).astype(float)
    return pd.DataFrame({"Open": open_, "High": high, "Low": low, "Close": close, "Volume": vol}, index=idx).round(2)


class FakeProvider:
    """Serves fixed frames, records every call, optionally fails."""

    name = "fake"

    def __init__(self, frames: dict[str, pd.DataFrame], *, error: Exception | None = None):
        self.frames = frames
        self.error = error
        self.calls: list[tuple[tuple[str, ...], date | None, date | None]] = []

    async def fetch(self, tickers, start=None, end=None):
        self.calls.append((tuple(tickers), start, end))
        if self.error is not None:
            raise self.error
        return {t: clip(self.frames[t], start, end).copy() for t in tickers if t in self.frames}


# a well-formed but invalid Discord token: it must never reach a log line
FAKE_TOKEN = "MTEx.fake-token-for-tests.QUJDREVGR0hJSktMTU5PUA"
