"""Which quotes can be used, and many quotes checked against their lines at once.

A quote is **used** only when it is all of:

* **there**: a finite, positive price with a timestamp (an empty frame, a halted ticker's
  missing bar or a NaN is *missing*);
* **fresh**: no older than ``STALE_AFTER`` (20 minutes) at the round's time (*stale*);
* **plausible**: within ``MAX_MOVE`` (25 %) of the previous session's close: a bad tick beyond
  it is ignored (*implausible*). US exchanges halt a stock long before such a move within a
  session (limit up–limit down bands are 5–20 %), so a real price outside it is not expected.

A **crossing** is a used quote past its line in the watched direction: for a base not yet broken
out, *above* its breakout line (``Levels.line``: a close above it is a breakout); for a recent
breakout, *below* its invalidation (``Levels.invalidation``, the zone rule's floor or the 8 %
stop, whichever is higher), strictly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import numpy as np
import pandas as pd

STALE_AFTER_SECONDS = 20 * 60
MAX_MOVE = 0.25

UP = 1  # watching a base's breakout line from below
DOWN = -1  # watching a recent breakout's invalidation from above

OK, MISSING, STALE, IMPLAUSIBLE = 0, 1, 2, 3
REASONS = {MISSING: "missing", STALE: "stale", IMPLAUSIBLE: "implausible"}


def quote_status(price: np.ndarray, quote_time: np.ndarray, now: float | np.ndarray, prev_close: np.ndarray) -> np.ndarray:
    """Each quote's status (``OK``, ``MISSING``, ``STALE``, ``IMPLAUSIBLE``). ``quote_time`` and
    ``now`` (one time, or one per quote) are seconds since the epoch (NaN: no timestamp)."""
    price = np.asarray(price, dtype=float)
    quote_time = np.asarray(quote_time, dtype=float)
    prev_close = np.asarray(prev_close, dtype=float)
    status = np.zeros(price.shape, dtype=np.int8)
    with np.errstate(invalid="ignore", divide="ignore"):
        implausible = np.abs(price / prev_close - 1.0) > MAX_MOVE
        stale = (now - quote_time) > STALE_AFTER_SECONDS
    status[implausible] = IMPLAUSIBLE
    status[stale] = STALE
    missing = ~np.isfinite(price) | (price <= 0) | ~np.isfinite(quote_time)
    status[missing] = MISSING
    return status


def crossings(price: np.ndarray, line: np.ndarray, direction: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Which quotes cross their line: usable (``status == OK``) and above the line when watching
    up (``direction == UP``), strictly below it when watching down. The lines are
    ``Levels.line`` (up) and ``Levels.invalidation`` (down)."""
    price = np.asarray(price, dtype=float)
    line = np.asarray(line, dtype=float)
    direction = np.asarray(direction)
    with np.errstate(invalid="ignore"):
        past = np.where(direction == UP, price > line, price < line)
    crossed: np.ndarray = past & (status == OK)
    return crossed


def crossings_plain(price: Iterable[float], line: Iterable[float], direction: Iterable[int],
                    status: Iterable[int]) -> list[bool]:
    """The same check one quote at a time (the reference the vectorised check is tested against)."""
    out = []
    for p, ln, d, s in zip(price, line, direction, status):
        if s != OK:
            out.append(False)
        elif d == UP:
            out.append(bool(p > ln))
        else:
            out.append(bool(p < ln))
    return out


def near(price: np.ndarray, line: np.ndarray, direction: np.ndarray, within_pct: float = 3.0) -> np.ndarray:
    """Which tickers are worth watching: within ``within_pct`` % below their breakout line
    (``UP``) or above their invalidation (``DOWN``), in % of the line, or already past it."""
    price = np.asarray(price, dtype=float)
    line = np.asarray(line, dtype=float)
    gap = np.where(np.asarray(direction) == UP, 1.0 - price / line, price / line - 1.0) * 100.0  # % of the line
    watched: np.ndarray = np.isfinite(gap) & (gap <= within_pct + 1e-9)  # 3 % itself is within, floats aside
    return watched


def last_quotes(closes: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each column's last price and its time (seconds since the epoch; NaN when the column has
    none) from a frame of 5-minute closes, one column per ticker, indexed by bar time (the
    ``Close`` level of a batched yfinance download). A bar's time is taken as given: the caller
    says whether it is the bar's start or its end."""
    values = closes.to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    if n_rows == 0:
        return np.full(n_cols, np.nan), np.full(n_cols, np.nan)
    have = np.isfinite(values)
    last_row = n_rows - 1 - np.argmax(have[::-1], axis=0)  # the last row with a price, per column
    any_price = have.any(axis=0)
    price = np.where(any_price, values[last_row, np.arange(n_cols)], np.nan)
    seconds = cast(pd.DatetimeIndex, closes.index).as_unit("ns").asi8 / 1e9
    return price, np.where(any_price, seconds[last_row], np.nan)
