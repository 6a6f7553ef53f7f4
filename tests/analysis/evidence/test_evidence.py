import json
from datetime import date

import pytest
from evidence_strategies import evidences
from hypothesis import given

from bot.analysis.bars import volume_ratio
from bot.analysis.evidence import Evidence, Trend, evidence_at, market_state


@given(evidences)
def test_evidence_round_trips_through_json(ev):
    assert Evidence.from_dict(json.loads(json.dumps(ev.to_dict()))) == ev


def test_an_older_payload_without_evidence_reads_as_empty():
    assert Evidence.from_dict(None) == Evidence()
    assert Evidence.from_dict({"rs_high": True}) == Evidence(rs_high=True)


def test_the_seed_breakout_evidence(load_daily):
    iwm, spy = load_daily("IWM"), load_daily("SPY")
    day = date(2023, 12, 26)
    mk = market_state(spy, day)
    ev = evidence_at(iwm, spy, day, market=mk, rs_rank=40)
    assert ev.volume_ratio == pytest.approx(0.632, abs=0.001)  # the announcement's "0.6x"
    assert ev.volume_ratio == pytest.approx(float(volume_ratio(iwm[iwm.index <= "2023-12-26"]).iloc[-1]))
    assert ev.rs_high is False and ev.rs_rank == 40
    assert ev.trend == Trend(above_50=True, above_200=True, rising_200=True)
    assert ev.market is mk and ev.market.state == "uptrend"
    # nothing after the day is read
    assert evidence_at(iwm[iwm.index <= "2023-12-26"], spy[spy.index <= "2023-12-26"], market=mk, rs_rank=40) == ev


def test_missing_parts_stay_none(load_daily):
    iwm, spy = load_daily("IWM"), load_daily("SPY")
    short = iwm.iloc[:40]
    ev = evidence_at(short, spy)
    assert ev == Evidence()
    assert evidence_at(iwm, None).rs_high is None
    assert evidence_at(spy, spy).rs_high is None  # the benchmark against itself says nothing
    assert evidence_at(iwm, spy).rs_high is not None
