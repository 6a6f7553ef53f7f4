"""The scan's new closes of a ticker (bot.scan.personal.new_closes) read a plain date index
in one go: the bars are exactly the plain path's (new_closes_plain), whatever ``since``."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from scan_fakes import synthetic_daily

from bot.scan.personal import new_closes, new_closes_plain


def _sinces(daily: pd.DataFrame) -> list[date | None]:
    days = [d.date() for d in daily.index]
    return [None, days[0] - timedelta(days=9), days[0], days[min(1, len(days) - 1)], days[-min(4, len(days))],
            days[-min(4, len(days))] + timedelta(days=1),
            days[-min(2, len(days))], days[-1], days[-1] + timedelta(days=5)]


def test_new_closes_equal_the_plain_path():
    daily = synthetic_daily("2023-01-02", "2023-03-31", base=40.0)
    daily.loc[daily.index[-3], "Close"] = np.nan  # a missing close is carried as it is
    one_bar = daily.iloc[-1:]
    covered = 0
    for frame in (daily, one_bar):
        for since in _sinces(frame):
            fast, plain = new_closes(frame, since), new_closes_plain(frame, since)
            assert len(fast) == len(plain)
            for (d1, c1, p1), (d2, c2, p2) in zip(fast, plain):
                assert d1 == d2 and type(d1) is date and type(c1) is float
                assert (c1 == c2) or (np.isnan(c1) and np.isnan(c2))
                assert (p1 is None and p2 is None) or p1 == p2 or (np.isnan(p1) and np.isnan(p2))
            covered += len(plain)
    assert covered > 60  # every since gave bars to compare but the ones past the end


def test_an_index_with_a_timezone_takes_the_plain_path():
    daily = synthetic_daily("2023-01-02", "2023-02-28")
    daily.index = daily.index.tz_localize("America/New_York")
    since = daily.index[-3].date()
    assert new_closes(daily, None) == new_closes_plain(daily, None)
    assert new_closes(daily, since) == new_closes_plain(daily, since)
