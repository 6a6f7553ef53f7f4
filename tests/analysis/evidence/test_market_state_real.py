"""The market-state rules on real SPY data. Golden dates were computed from the data and
checked by hand against the rules (docs/algorithm.md), e.g. 2020-04-06: the correction low
was 218.26 (2020-03-23's low); 03-24 closed up (day 1); 03-25 was +1.50 % on higher volume but
only day 2; 03-26 (day 3), 03-30 and 04-02 rose on lower volume; 04-06 (day 10) rose 6.72 % on
188.1M shares against 135.6M the day before."""

from datetime import date

import pandas as pd
import pytest

from bot.analysis.evidence import MarketState, market_state, market_states, market_tape


@pytest.fixture(scope="module")
def spy(shared_data):
    from bot.market.csvdir import read_price_csv

    return read_price_csv(shared_data / "SPY.csv")


def _ts(day: str) -> pd.Timestamp:
    return pd.Timestamp(day)


@pytest.mark.parametrize(("start", "end"), [("2019-06-01", "2020-12-31"), ("2021-09-01", "2023-06-30")])
def test_one_pass_equals_the_plain_walk_on_every_day(spy, start, end):
    df = spy.loc[start:end]
    tape = market_tape(df)
    assert market_states(df).equals(tape["state"].rename("market_state"))
    last_ftd = None
    for i, day in enumerate(df.index):
        plain = market_state(df, day)
        row = tape.iloc[i]
        if row["follow_through"]:
            last_ftd = day.date()
        if i < 49:
            assert plain is None and pd.isna(row["state"])
            continue
        assert plain.as_of == day.date()
        assert plain.state == row["state"], day
        assert len(plain.distribution_days) == row["count"], day
        assert (plain.rally_day or 0) == row["rally_day"], day
        assert plain.follow_through == (last_ftd if plain.state != "correction" else None), day
        assert all(tape.loc[_ts(d.isoformat()), "distribution"] for d in plain.distribution_days)


def test_every_state_shows_up_and_transitions_follow_the_rules(spy):
    tape = market_tape(spy)
    assert set(tape["state"].dropna()) == {"uptrend", "under_pressure", "correction"}
    prev = tape["state"].shift()
    # a correction only ends on a follow-through day or at a new closing high for the year
    ends = tape.index[(prev == "correction") & (tape["state"] != "correction")]
    year_high = spy["Close"].rolling(252, min_periods=1).max()
    for day in ends:
        assert tape.loc[day, "follow_through"] or spy.loc[day, "Close"] >= year_high[day], day
    # under pressure always has 5+ counted distribution days
    assert (tape.loc[tape["state"] == "under_pressure", "count"] >= 5).all()
    assert (tape.loc[tape["state"] == "uptrend", "count"] <= 4).all()


def test_march_2020_correction_and_the_april_follow_through(spy):
    assert market_state(spy, date(2020, 2, 24)).state == "under_pressure"
    st = market_state(spy, date(2020, 2, 25))
    assert st.state == "correction" and len(st.distribution_days) == 6
    assert market_state(spy, date(2020, 3, 16)).state == "correction"
    st = market_state(spy, date(2020, 4, 3))
    assert st.state == "correction" and st.rally_day == 9 and st.follow_through is None
    st = market_state(spy, date(2020, 4, 6))
    assert st == MarketState("SPY", date(2020, 4, 6), "uptrend", (), date(2020, 4, 6))


def test_2022_bear_market(spy):
    tape = market_tape(spy).loc["2022"]
    assert (tape["state"] == "correction").sum() == 118
    assert market_state(spy, date(2022, 6, 16)).state == "correction"  # the June low
    assert market_state(spy, date(2022, 10, 13)).state == "correction"  # the October low
    ftds = [d.date() for d in tape.index[tape["follow_through"]]]
    assert ftds == [date(2022, 2, 9), date(2022, 3, 15), date(2022, 5, 27), date(2022, 6, 24), date(2022, 10, 21)]


def test_late_2023_uptrend(spy):
    tape = market_tape(spy)
    assert tape.loc["2023-11-10", "follow_through"]
    assert (tape.loc["2023-11-10":"2024-01-10", "state"] == "uptrend").all()
    st = market_state(spy, date(2023, 12, 26))  # the IWM seed breakout's day
    assert st.state == "uptrend" and st.follow_through == date(2023, 11, 10)
    assert st.distribution_days == (date(2023, 12, 15), date(2023, 12, 20))


def test_the_state_forgets_where_the_history_began(spy):
    full = market_states(spy).loc["2016":]
    late = market_states(spy.loc["2015":]).loc["2016":]
    assert full.equals(late)


def test_round_trip_through_json(spy):
    import json

    st = market_state(spy, date(2020, 4, 3))
    assert MarketState.from_dict(json.loads(json.dumps(st.to_dict()))) == st
    assert market_state(spy.iloc[:49]) is None
