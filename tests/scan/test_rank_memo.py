"""The scan works out a day's RS ranks once per scan, not once per chunk with an event that
day (bot.scan.evidence.ranks_memoised): the ranks each chunk gets equal the plain path's
(``rank_universe`` of the whole universe on the chunk's days), whatever order the days come in."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from bot.scan.evidence import rank_universe, ranks_memoised


def universe(n: int = 30) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(3)
    idx = pd.bdate_range("2022-01-03", "2024-01-05", name="Date")
    out = {}
    for i in range(n):
        close = 50 * np.exp(np.cumsum(rng.normal(0.0003 * (i - n / 2), 0.02, len(idx))))
        out[f"T{i}"] = pd.DataFrame({"Close": close, "Volume": 1e6}, index=idx)
    return out


def test_memoised_ranks_equal_the_plain_paths():
    frames = universe()
    tickers = sorted(frames)
    days = [d.date() for d in frames["T0"].index[-12:]]
    rng = random.Random(8)
    memo: dict = {}
    ranked = 0
    for _ in range(10):  # the chunks of one scan, each with events on a few of the days
        chunk_days = set(rng.sample(days, rng.randint(1, 4)))
        plain = rank_universe(frames, tickers, chunk_days)
        assert ranks_memoised(memo, frames, tickers, chunk_days) == plain
        ranked += sum(len(r) for r in plain.values())
    assert ranked > 100  # real ranks compared (a universe of 30 with a year of closes)
    assert set(memo) <= set(days)


def test_rank_universe_equals_the_ranks_of_each_days_closes():
    """rank_universe scores each ticker in turn with the event loop; its ranks are rs_ranks_at's
    of the universe's closes cut at each day, in the lane thread as on the main thread."""
    import asyncio

    from bot.analysis.evidence import rs_ranks_at
    from bot.threads import off_loop

    frames = universe()
    tickers = sorted(frames)
    days = {d.date() for d in frames["T0"].index[-30::7]}
    plain = {day: rs_ranks_at({t: frames[t]["Close"].loc[: pd.Timestamp(day)] for t in tickers}, day) for day in days}
    assert rank_universe(frames, tickers, days) == plain
    assert asyncio.run(off_loop(rank_universe, frames, tickers, days)) == plain
    assert all(len(r) == len(tickers) for r in plain.values())
