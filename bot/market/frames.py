"""Helpers that put any OHLCV table into the core's frame convention."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

OHLCV = ["Open", "High", "Low", "Close", "Volume"]


def to_price_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return ``df`` as a clean price frame: tz-naive sorted unique daily index, float OHLCV.

    Prices that are not finite and positive count as missing; rows missing a Close are
    dropped; ``Adj Close`` is kept when present.
    """
    if df is None or df.empty:
        return pd.DataFrame(columns=OHLCV, index=pd.DatetimeIndex([], name="Date"), dtype=float)
    out = df.copy()
    if "Date" in out.columns:
        out = out.set_index("Date")
    idx = pd.DatetimeIndex(pd.to_datetime(out.index))
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    out.index = idx.normalize()
    out.index.name = "Date"
    cols = [c for c in OHLCV + ["Adj Close"] if c in out.columns]
    missing = [c for c in OHLCV if c not in out.columns]
    if missing:
        raise ValueError(f"price table lacks columns {missing}")
    out = out[cols].apply(pd.to_numeric, errors="coerce").astype(float)
    # inf, zero and negative prices are no prices; an impossible volume is an unknown one
    prices = [c for c in ("Open", "High", "Low", "Close", "Adj Close") if c in out.columns]
    out[prices] = out[prices].where(np.isfinite(out[prices]) & (out[prices] > 0))
    out["Volume"] = out["Volume"].where(np.isfinite(out["Volume"]) & (out["Volume"] >= 0))
    out = out.dropna(subset=["Close"])
    # Vendors now and then send a row with a Close but no Open/High/Low. One NaN high or
    # low poisons running maxima and weekly aggregates downstream (a crash, or every
    # ceiling before it vanishes), so such a bar becomes what is known: a bar at its close.
    out["Open"] = out["Open"].fillna(out["Close"])
    body_hi = out[["Open", "Close"]].max(axis=1)
    body_lo = out[["Open", "Close"]].min(axis=1)
    out["High"] = out["High"].fillna(body_hi)
    out["Low"] = out["Low"].fillna(body_lo)
    out = out[~out.index.duplicated(keep="last")].sort_index()
    return out


def clip(df: pd.DataFrame, start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Rows with start <= Date <= end (both inclusive, either may be None)."""
    lo = 0 if start is None else int(df.index.searchsorted(pd.Timestamp(start), side="left"))
    hi = len(df) if end is None else int(df.index.searchsorted(pd.Timestamp(end), side="right"))
    return df.iloc[lo:hi]  # the index is sorted: slicing beats a boolean mask


def beyond_rounding(old, new) -> np.ndarray | bool:
    """Where prices differ by more than a vendor's cent rounding (a split or a revision).

    Works on scalars or aligned arrays; the tolerance is 1.1 cents or 0.2 %, whichever is larger.
    """
    if type(old) is float and type(new) is float:  # (two numbers: the same sum without numpy's overhead)
        return abs(new - old) > max(0.011, 0.002 * abs(old))
    old, new = np.asarray(old, dtype=float), np.asarray(new, dtype=float)
    return np.abs(new - old) > np.maximum(0.011, 0.002 * np.abs(old))
