"""``market_state_one_pass`` (the state from the one-pass tape) equals the plain walk's
``market_state`` in everything (state, distribution days, follow-through, rally day) on real
index data, every fifth day through corrections, follow-throughs and pressure, and with too few bars."""

from __future__ import annotations

import pytest

from bot.analysis.evidence.market_state import market_state, market_state_one_pass
from bot.market.csvdir import read_price_csv


@pytest.mark.parametrize("ticker", ["SPY", "QQQ", "IWM"])
def test_equal_to_the_plain_walk_day_after_day(shared_data, ticker):
    daily = read_price_csv(shared_data / f"{ticker}.csv")
    window = daily.loc["2019-06-01":]
    states = set()
    for i, day in enumerate(window.index):
        if i % 5 and i < len(window) - 5:  # every fifth day, and the last days
            continue
        if i % 2:  # the service's call: about three years ending that day
            history = window.loc[:day].iloc[-800:]
            plain = market_state(history, None, ticker)
            assert market_state_one_pass(history, None, ticker) == plain
        else:  # the same bars, asked as of that day
            plain = market_state(window, day, ticker)
            assert market_state_one_pass(window, day, ticker) == plain
        states.add(plain.state if plain is not None else None)
    assert {"uptrend", "under_pressure", "correction"} <= states


def test_too_few_bars(shared_data):
    daily = read_price_csv(shared_data / "SPY.csv").iloc[:49]
    assert market_state_one_pass(daily) is None and market_state(daily) is None
