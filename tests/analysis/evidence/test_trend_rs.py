from datetime import date

import numpy as np
import pandas as pd
import pytest

from bot.analysis.evidence import Trend, rs_line_at_high, rs_line_highs, rs_ranks, rs_score, trend_at


def _series(values, start="2020-01-01") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.bdate_range(start, periods=len(values)))


# --- trend --------------------------------------------------------------------------------------

def test_trend_needs_50_closes_and_200_for_the_long_parts():
    assert trend_at(_series(np.arange(1, 50))) is None
    t = trend_at(_series(np.arange(1, 51)))
    assert t == Trend(above_50=True, above_200=None, rising_200=None)
    t = trend_at(_series(np.arange(1, 201)))
    assert t.above_200 is True and t.rising_200 is None
    t = trend_at(_series(np.arange(1, 221)))
    assert t.rising_200 is True


def test_rising_compares_the_200_day_with_its_value_20_sessions_ago():
    # flat for 200 sessions, then one session: the 200-day today differs from 20 sessions ago
    # only through the closes that entered and left the window
    base = [100.0] * 220
    up = base[:-1] + [101.0]
    assert trend_at(_series(up)).rising_200 is True
    down = base[:-1] + [99.0]
    t = trend_at(_series(down))
    assert t.rising_200 is False and t.above_200 is False and t.above_50 is False
    assert trend_at(_series(base)).rising_200 is False  # equal is not rising


def test_trend_as_of_uses_nothing_after_it(load_daily):
    spy = load_daily("SPY")["Close"]
    assert trend_at(spy, date(2022, 6, 16)) == trend_at(spy[spy.index <= "2022-06-16"])
    t = trend_at(spy, date(2022, 6, 16))  # the 2022 bear market's low: under both, 200-day falling
    assert t == Trend(above_50=False, above_200=False, rising_200=False)
    t = trend_at(spy, date(2023, 12, 26))
    assert t == Trend(above_50=True, above_200=True, rising_200=True)


def test_trend_round_trips_through_json():
    import json

    t = Trend(above_50=True, above_200=None, rising_200=None)
    assert Trend.from_dict(json.loads(json.dumps(t.to_dict()))) == t


# --- RS line --------------------------------------------------------------------------------

def test_rs_line_high_needs_252_common_sessions():
    bench = _series(np.full(300, 100.0))
    assert rs_line_at_high(_series(np.arange(1, 252)), bench) is None
    assert rs_line_at_high(_series(np.arange(1, 253)), bench) is True


def test_rs_line_high_is_today_against_the_last_252_sessions():
    bench = _series(np.full(400, 100.0))
    vals = np.full(400, 50.0)
    vals[100] = 60.0  # a high 300 sessions ago: outside the 252-session window
    vals[-1] = 55.0
    assert rs_line_at_high(_series(vals), bench) is True
    vals[-252] = 56.0  # inside the window (251 sessions before today)
    assert rs_line_at_high(_series(vals), bench) is False
    vals[-252], vals[-253] = 50.0, 56.0  # one step further back: outside
    assert rs_line_at_high(_series(vals), bench) is True


def test_rs_line_uses_common_dates_only():
    close = _series(np.linspace(10, 20, 300))
    bench = close.drop(close.index[::7]) * 0 + 100.0  # the benchmark misses every 7th day
    common = len(bench)
    assert common < 300
    highs = rs_line_highs(close, bench)
    assert len(highs) == common and highs.index.equals(bench.index)


def test_rs_line_highs_equals_the_scalar_on_every_day(load_daily):
    iwm, spy = load_daily("IWM")["Close"], load_daily("SPY")["Close"]
    iwm, spy = iwm[iwm.index >= "2015-01-01"], spy[spy.index >= "2015-01-01"]
    highs = rs_line_highs(iwm, spy)
    assert highs.dtype == "boolean"
    for day, value in highs.items():
        scalar = rs_line_at_high(iwm, spy, day)
        assert (scalar is None and pd.isna(value)) or scalar == bool(value), day
    assert highs.isna().sum() == 251
    assert 0 < highs.sum() < len(highs) - 251


def test_iwm_rs_line_on_the_seed_days(load_daily):
    iwm, spy = load_daily("IWM")["Close"], load_daily("SPY")["Close"]
    # IWM lagged SPY through 2023: its RS line was far from a 52-week high at the breakout
    assert rs_line_at_high(iwm, spy, date(2023, 12, 26)) is False
    highs = rs_line_highs(iwm, spy)
    # golden from the data: the RS line's 52-week highs in late 2020 / early 2021 (the small-cap run)
    assert bool(highs[pd.Timestamp("2021-02-09")]) is True


# --- RS score and rank ------------------------------------------------------------------------

def test_rs_score_is_the_weighted_quarter_returns():
    c = np.full(253, 100.0)
    # quarters, oldest first: 100 -> 110 (q4), -> 110 (q3), -> 121 (q2), -> 133.1 (q1)
    c[-253:] = 100.0
    c[-190:] = 110.0
    c[-127:] = 110.0
    c[-64:] = 121.0
    c[-1] = 133.1
    score = rs_score(_series(c))
    assert score == pytest.approx(0.4 * 0.10 + 0.2 * 0.10 + 0.2 * 0.0 + 0.2 * 0.10)


def test_rs_score_needs_253_closes():
    assert rs_score(_series(np.arange(1, 253))) is None
    assert rs_score(_series(np.arange(1, 254))) is not None


def test_rs_score_weights_the_newest_quarter_double():
    old_gain = np.concatenate([np.linspace(100, 120, 64), np.full(189, 120.0)])  # +20 % in the oldest quarter
    new_gain = np.concatenate([np.full(190, 100.0), np.linspace(100, 120, 63)])  # +20 % in the newest
    assert rs_score(_series(new_gain)) == pytest.approx(2 * rs_score(_series(old_gain)))


def test_rs_ranks_spread_1_to_99_and_tie():
    scores = {f"T{i:02d}": float(i) for i in range(21)}
    ranks = rs_ranks(scores)
    assert ranks["T00"] == 1 and ranks["T20"] == 99 and ranks["T10"] == 50
    scores["T19"] = scores["T18"]
    ranks = rs_ranks(scores)
    assert ranks["T19"] == ranks["T18"]
    assert all(ranks[a] <= ranks[b] for a in scores for b in scores if scores[a] <= scores[b])


def test_rs_ranks_need_20_scored_tickers():
    scores = {f"T{i}": float(i) for i in range(19)}
    scores["NONE"] = None
    scores["NAN"] = float("nan")
    assert rs_ranks(scores) == {}
    scores["T19"] = 19.0
    ranks = rs_ranks(scores)
    assert len(ranks) == 20 and "NONE" not in ranks and "NAN" not in ranks
