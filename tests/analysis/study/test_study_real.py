"""The study on real data (../shared/data): the seed's IWM breakout measured, and the measured
breakouts are exactly the replay's."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from bot.analysis.events.replay import replay
from bot.analysis.evidence.market_state import market_states
from bot.analysis.evidence.relative_strength import rs_line_highs
from bot.analysis.study.kinds import breakout_kind
from bot.analysis.study.measure import measure_ticker


@pytest.fixture(scope="module")
def iwm(load_daily):
    return load_daily("IWM")


@pytest.fixture(scope="module")
def iwm_cases(iwm, load_daily):
    spy = load_daily("SPY")
    return measure_ticker("IWM", iwm, date(2023, 6, 1), date(2024, 12, 31),
                          rs_high=rs_line_highs(iwm["Close"], spy["Close"]), market=market_states(spy))


def test_the_measured_breakouts_are_the_replays(iwm, iwm_cases):
    announced = [e for e in replay("IWM", iwm, "2023-06-01", "2024-12-31") if e.kind == "breakout"]
    assert [(c.date, c.close) for c in iwm_cases] == [(e.date, e.close) for e in announced]
    assert len(iwm_cases) >= 3


def test_the_seed_breakout_measured(iwm, iwm_cases):
    """2023-12-26: IWM closes at 204.10 above its 1.7-year base (zone top 201.99), on light
    volume, and fails on 2024-01-03; the best high before that is 205.49 on 2023-12-27."""
    seed = iwm_cases[0]
    assert seed.date == date(2023, 12, 26) and seed.close == pytest.approx(204.10)
    assert seed.line == pytest.approx(201.99 * 1.005)
    assert (seed.kind, seed.length, seed.volume, seed.outcome) == ("nearest", "long", "light", "failed")
    assert seed.best_gain == pytest.approx((205.49 / 204.10 - 1) * 100, abs=1e-6)
    close = iwm["Close"]
    i = close.index.get_loc(pd.Timestamp("2023-12-26"))
    for k, got in ((10, seed.r10), (20, seed.r20), (60, seed.r60)):
        assert got == pytest.approx((close.iloc[i + k] / 204.10 - 1) * 100)
    # back at the line within 10 sessions (the failure itself), and a close above 204.10 later
    assert seed.throwback is True and seed.resumed is True
    assert seed.market in ("uptrend", "under_pressure", "correction") and seed.rs in ("high", "not_high")


def test_a_breakout_above_every_earlier_high_is_a_record(load_daily):
    """SPY's breakouts of 2024 are above every earlier high: record highs."""
    spy = load_daily("SPY")
    events = [e for e in replay("SPY", spy, "2024-01-01", "2024-12-31") if e.kind == "breakout"]
    assert events
    for e in events:
        earlier = spy.loc[: pd.Timestamp(e.date) - pd.Timedelta(days=1), "High"].max()
        assert breakout_kind(e, spy) == ("record" if e.close > earlier else ("major" if e.major else "nearest"))
    assert any(breakout_kind(e, spy) == "record" for e in events)
    # only bars before the day are read: later bars change nothing
    e = events[0]
    assert breakout_kind(e, spy[spy.index <= pd.Timestamp(e.date)]) == breakout_kind(e, spy)
