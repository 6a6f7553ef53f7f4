"""find_base uses no bar after as_of: same answer on the full file and on the file cut at
as_of, and bars after as_of can be scrambled without changing anything."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from bot.analysis.base import chart_window, find_base

CASES = {
    "IWM": ["2022-08-17", "2023-02-03", "2023-12-13", "2023-12-14", "2023-12-15", "2023-12-19", "2023-12-26",
            "2024-01-03", "2024-01-26"],
    "MDY": ["2023-07-27", "2023-12-13", "2023-12-14", "2024-03-28"],
    "SPY": ["2020-03-23", "2021-12-31", "2022-10-12", "2023-12-13", "2024-01-19", "2025-04-08"],
}


@pytest.mark.parametrize("timeframe", ["weekly", "daily"])
@pytest.mark.parametrize("ticker", sorted(CASES))
def test_full_file_equals_truncated_file(load_daily, ticker, timeframe):
    full = load_daily(ticker)
    statuses = set()
    majors = 0
    for s in CASES[ticker]:
        as_of = date.fromisoformat(s)
        cut = full[full.index <= s]
        a = find_base(full, as_of, timeframe=timeframe).to_dict()
        b = find_base(cut, as_of, timeframe=timeframe).to_dict()
        c = find_base(cut, timeframe=timeframe).to_dict()  # as_of None = last bar
        assert a == b == c, (ticker, s)
        statuses.add(a["status"])
        majors += a["major"] is not None or a["scale"] == "major"
    assert len(statuses) >= 2  # the dates cover more than one situation
    if timeframe == "weekly":
        assert majors, "the dates cover a major base too"


def test_future_bars_do_not_matter(load_daily):
    full = load_daily("IWM")
    rng = np.random.default_rng(0)
    for s in ["2023-12-14", "2023-12-26", "2024-01-05"]:
        as_of = date.fromisoformat(s)
        scrambled = full.copy()
        after = scrambled.index > s
        factor = rng.uniform(0.7, 1.4, after.sum())
        for col in ("Open", "High", "Low", "Close"):
            scrambled.loc[after, col] = scrambled.loc[after, col] * factor
        for tf in ("weekly", "daily"):
            r = find_base(full, as_of, timeframe=tf)
            assert r.to_dict() == find_base(scrambled, as_of, timeframe=tf).to_dict()
            assert chart_window(full, r, tf).equals(chart_window(scrambled, r, tf))
