"""What identifies the bars a chart or an analysis was computed from.

The last bar (date and OHLCV values) says whether a new bar arrived or the last one was
revised; a digest of every bar read says whether an older one changed (a split or a
dividend adjustment rewrites the past while the last bar may stay the same).
"""

from __future__ import annotations

import hashlib
from typing import cast

import numpy as np
import pandas as pd

from bot.market.frames import OHLCV


def frame_fingerprint(daily: pd.DataFrame) -> tuple:
    """``(rows, first date, last date, last bar's OHLCV, digest of all OHLCV)``; hashable."""
    if daily is None or len(daily) == 0:
        return (0,)
    h = hashlib.blake2b(digest_size=16)
    h.update(np.ascontiguousarray(cast(pd.DatetimeIndex, daily.index).asi8).tobytes())
    last = []
    for col in OHLCV:
        values = np.ascontiguousarray(daily[col].to_numpy(dtype=float))
        h.update(values.tobytes())
        last.append(float(values[-1]) if values[-1] == values[-1] else None)
    return (len(daily), daily.index[0].date(), daily.index[-1].date(), tuple(last), h.hexdigest())
