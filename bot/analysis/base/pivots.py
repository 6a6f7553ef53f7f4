"""Touch episodes: the distinct times price came up to (or down to) a level.

Everything here looks only backwards from the last element it is given, so callers get
no look-ahead as long as they pass arrays truncated at their as-of bar.
"""

from __future__ import annotations

import numpy as np


def touch_episodes(
    peak: np.ndarray,
    trough: np.ndarray,
    touch_at: float,
    reset_at: float,
    min_gap: int,
    skip_first: bool = False,
    reset_late: np.ndarray | None = None,
    touches: np.ndarray | None = None,
) -> tuple[np.ndarray, bool]:
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

    ``touches`` (optional) are the indices where ``peak >= touch_at``, if the caller has them.

    Returns (indices, last_open): ``last_open`` is True when no pullback has followed the
    last episode yet (a test still in progress).
    """
    tidx = np.flatnonzero(peak >= touch_at) if touches is None else touches
    if len(tidx) == 0:
        return tidx, False
    # Episodes are counted from the bar before the first touch on (the pullback of a bar whose
    # trough came late counts on the next bar); only whether one came earlier matters, and
    # only to ``skip_first``.
    q = int(tidx[0])
    lo = max(q - 1, 0)
    raw = trough[lo:] <= reset_at
    reset = raw
    if reset_late is not None:
        late = raw & reset_late[lo:]
        reset = raw & ~late
        reset[1:] |= late[:-1]
    if q > lo:
        before = bool(reset[0])  # a pullback on the bar before the first touch, not a late one
        reset = reset[1:]
    else:
        before = False
    if skip_first and not before and q > 1:
        before = bool((trough[: q - 1] <= reset_at).any())  # any pullback further back counts by q
    cum: np.ndarray = np.cumsum(reset)  # episode numbers (int)
    if before:
        cum += 1  # the episodes are numbered from 1: none is the left side
    episode = cum[tidx - q]
    # Touches are few (a handful to a few dozen), so plain Python over them beats a chain
    # of small numpy calls. A bar that both resets and touches opens the new episode.
    vals = peak[tidx].tolist()
    out: list[int] = []
    best_v: list[float] = []
    prev_ep = -1
    for i, ep, v in zip(tidx.tolist(), episode.tolist(), vals):
        if skip_first and ep == 0:
            continue
        if ep != prev_ep:
            prev_ep = ep
            if out and i - out[-1] < min_gap:
                pass  # too close to the last test: same test (merged below)
            else:
                out.append(i)
                best_v.append(v)
                continue
        if v > best_v[-1]:
            out[-1], best_v[-1] = i, v
    return np.asarray(out, dtype=np.int64), bool(out) and int(cum[-1]) == prev_ep
