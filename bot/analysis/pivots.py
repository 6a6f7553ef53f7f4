"""Causal swing points and touch episodes.

Everything here looks only backwards from the last element it is given, so callers get
no look-ahead as long as they pass arrays truncated at their as-of bar.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def swing_highs(values: np.ndarray, k: int) -> np.ndarray:
    """Indices i where values[i] is the maximum of values[i-k .. i+k] (first on ties).

    A swing high is only known k bars later (confirmation lag), so the last k bars can
    never be one: the result is the same whether or not later bars exist.
    """
    n = len(values)
    if n < 2 * k + 1:
        return np.empty(0, dtype=np.int64)
    win = sliding_window_view(values, 2 * k + 1)
    centre = values[k : n - k]
    is_max = (win.max(axis=1) == centre) & (win[:, :k].max(axis=1, initial=-np.inf) < centre)
    return np.flatnonzero(is_max) + k


def swing_lows(values: np.ndarray, k: int) -> np.ndarray:
    """Mirror of :func:`swing_highs`."""
    return swing_highs(-np.asarray(values), k)


def touch_episodes(
    peak: np.ndarray,
    trough: np.ndarray,
    touch_at: float,
    reset_at: float,
    min_gap: int,
    skip_first: bool = False,
    reset_late: np.ndarray | None = None,
) -> np.ndarray:
    """Distinct touches of a level: one index per episode, the bar with the highest ``peak``.

    A bar touches when ``peak >= touch_at``. Touches belong to one episode until a bar's
    ``trough <= reset_at`` (a real pullback) separates them. Episodes whose extremes lie
    fewer than ``min_gap`` bars after the previous kept one are merged into it (the higher
    extreme represents both). ``skip_first`` drops touches before the first pullback (when
    price came down from above, those bars are the base's left side, not a test).
    ``reset_late`` (optional, per bar) marks bars whose trough came after their peak (known
    for weekly bars from the days of the high and low): their pullback separates the *next*
    touch, so their own touch stays in the running episode. Otherwise a bar that both
    pulls back and touches starts a new episode.
    For support, pass negated lows as ``peak`` and negated highs as ``trough``.
    """
    touch = peak >= touch_at
    tidx = np.flatnonzero(touch)
    if len(tidx) == 0:
        return tidx
    reset = trough <= reset_at
    if reset_late is not None:
        late = reset & reset_late
        reset = reset & ~late
        reset[1:] |= late[:-1]
    episode = np.cumsum(reset)[tidx]
    if skip_first:
        keep0 = episode > 0
        tidx, episode = tidx[keep0], episode[keep0]
        if len(tidx) == 0:
            return tidx
    # a bar that both resets and touches starts the new episode (cumsum already counts it)
    bounds = np.flatnonzero(np.r_[True, episode[1:] != episode[:-1]])
    vals = peak[tidx]
    best = np.maximum.reduceat(vals, bounds)
    grp = np.repeat(np.arange(len(bounds)), np.diff(np.r_[bounds, len(tidx)]))
    is_best = vals == best[grp]
    first = np.flatnonzero(is_best)
    g = grp[first]  # keep the first best bar of each episode
    keep = np.r_[True, g[1:] != g[:-1]]
    picks = tidx[first[keep]]
    if min_gap <= 1 or len(picks) < 2:
        return picks
    out = [int(picks[0])]
    for p in picks[1:].tolist():
        if p - out[-1] < min_gap:
            if peak[p] > peak[out[-1]]:
                out[-1] = p
        else:
            out.append(p)
    return np.asarray(out, dtype=np.int64)
