"""Indicators on bar arrays: true range, Wilder's ATR (the project's one ATR) and volume ratio.

Every value at position ``i`` depends only on bars ``0..i`` (causal), so the event engine and
the base finder can use them without looking ahead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def true_range(h: np.ndarray, l: np.ndarray, c: np.ndarray) -> np.ndarray:
    prev = np.empty_like(c)
    prev[0] = c[0]
    prev[1:] = c[:-1]
    tr: np.ndarray = np.maximum(h, prev) - np.minimum(l, prev)
    return tr


def atr_values(h: np.ndarray, l: np.ndarray, c: np.ndarray, n: int = 14) -> np.ndarray:
    """Wilder ATR: seed = mean of the first n true ranges, then a += (tr - a) / n.

    Bars before the seed get the running mean of the true ranges so far (never NaN), which
    keeps short histories usable; the recursion only looks backwards.
    """
    tr = true_range(h, l, c)
    m = len(tr)
    out = np.empty(m)
    k = min(n, m)
    out[:k] = np.cumsum(tr[:k]) / np.arange(1, k + 1)
    if m > n:
        # a_t = a_{t-1} + (tr_t - a_{t-1}) / n from the seed: an exponential mean with
        # alpha = 1/n whose first value is the seed (pandas runs the recursion in C)
        seeded = np.empty(m - n + 1)
        seeded[0] = out[n - 1]
        seeded[1:] = tr[n:]
        out[n:] = pd.Series(seeded).ewm(alpha=1.0 / n, adjust=False).mean().to_numpy()[1:]
    return out


def atr(df: pd.DataFrame, n: int = 14) -> pd.Series:
    """Wilder's average true range of an OHLC frame (same index)."""
    vals = atr_values(
        df["High"].to_numpy(dtype=float), df["Low"].to_numpy(dtype=float), df["Close"].to_numpy(dtype=float), n
    )
    return pd.Series(vals, index=df.index, name=f"ATR{n}")


def volume_ratio(df: pd.DataFrame, n: int = 50) -> pd.Series:
    """Volume over its average of the n previous bars (today excluded): V / mean(V[t-n..t-1])."""
    v = df["Volume"].astype(float)
    return (v / v.rolling(n).mean().shift(1)).rename("VolRatio")
