"""Wilson intervals against known values, summaries, the grouping and the odds lookup's fallback."""

from __future__ import annotations

from datetime import date

import pytest

from bot.analysis.study.measure import Case
from bot.analysis.study.stats import rate, summarize, wilson
from bot.analysis.study.table import CHAIN, chain_keys, group_members, odds_for, universe_table


@pytest.mark.parametrize("k,n,lo,hi", [
    (8, 10, 0.4902, 0.9433),   # p = 0.8, n = 10 (Wilson 1927; Newcombe 1998 method 3)
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (50, 100, 0.4038, 0.5962),
    (1, 29, 0.0061, 0.1718),
    (81, 263, 0.2553, 0.3662),
])
def test_wilson_known_values(k, n, lo, hi):
    got = wilson(k, n)
    assert got == pytest.approx((lo, hi), abs=6e-5)


def test_wilson_refuses_impossible_counts():
    with pytest.raises(ValueError):
        wilson(11, 10)
    assert wilson(0, 0) == (0.0, 1.0)


def test_rate_skips_unknowns():
    r = rate([True, None, False, True, None])
    assert (r["k"], r["n"], r["pct"]) == (2, 3, 66.7)


def _case(kind="record", weeks=100.0, vr=1.0, rs=None, market="uptrend", outcome="held", r20=1.0, **kw) -> Case:
    from bot.analysis.study.kinds import length_group, market_group, rs_group, volume_group

    base = dict(ticker="T", date=date(2020, 1, 2), close=10.0, line=9.9, kind=kind, base_weeks=weeks,
                length=length_group(weeks), volume=volume_group(vr), rs=rs_group(rs), market=market_group(market),
                outcome=outcome, r10=0.5, r20=r20, r60=2.0, best_gain=3.0, throwback=True, resumed=True)
    base.update(kw)
    return Case(**base)


def test_summary_counts_pending_out_of_held():
    s = summarize([_case(outcome="held"), _case(outcome="failed"), _case(outcome="pending", r20=None)])
    assert s["n"] == 3
    assert (s["held"]["k"], s["held"]["n"]) == (1, 2)
    assert (s["up20"]["k"], s["up20"]["n"]) == (2, 2)
    assert s["outcomes"] == {"held": 1, "failed": 1, "faded": 0, "busted": 0, "pending": 1}


def test_chain_stops_at_the_first_unknown_value():
    c = _case(rs=None)
    assert chain_keys(c) == ["all", "kind=record", "kind=record,length=long", "kind=record,length=long,market=uptrend"]
    full = _case(rs=True, vr=2.0)
    assert chain_keys(full)[-1] == "kind=record,length=long,market=uptrend,rs=high,volume=heavy"
    assert len(chain_keys(full)) == len(CHAIN) + 1


def test_groups_hold_every_dimension_alone_and_the_chain():
    cases = [_case(), _case(kind="major", vr=2.0, rs=True)]
    groups = group_members(cases)
    assert len(groups["all"]) == 2
    assert len(groups["volume=heavy"]) == 1 and len(groups["volume=light"]) == 1
    assert len(groups["rs=high"]) == 1 and "rs=not_high" not in groups
    assert len(groups["kind=major,length=long,market=uptrend,rs=high,volume=heavy"]) == 1


def _table(cases):
    import numpy as np

    days = np.array(["2020-01-02"] * 10, dtype="datetime64[D]")
    part = universe_table(cases, days, np.linspace(-1, 2, 10), split=date(2022, 1, 1),
                          meta={"universe": "etfs", "tickers": 1, "from": "2016-01-01", "to": "2025-07-23"})
    return {"universes": {"etfs": part}}


def test_lookup_takes_the_most_specific_group_with_30_cases_else_its_parent():
    # 40 record/long/uptrend breakouts, 35 of them with the RS line at a high, 20 of those heavy
    cases = ([_case(rs=True, vr=2.0)] * 20 + [_case(rs=True, vr=1.0)] * 15 + [_case(rs=False)] * 5
             + [_case(kind="nearest", weeks=10)] * 12)
    table = _table(cases)
    heavy = odds_for("etfs", "record", 100.0, 2.0, True, "uptrend", table=table)
    assert [d for d, _ in heavy.pairs] == ["kind", "length", "market", "rs"]  # volume=heavy has 20 < 30
    assert heavy.stats["n"] == 35
    not_high = odds_for("etfs", "record", 100.0, 1.0, False, "uptrend", table=table)
    assert not_high.stats["n"] == 40 and len(not_high.pairs) == 3  # rs=not_high has 5: its parent
    nearest = odds_for("etfs", "nearest", 10.0, 1.0, True, "uptrend", table=table)
    assert nearest.pairs == () and nearest.stats["n"] == 52  # 12 nearest: all breakouts
    unknown_market = odds_for("etfs", "record", 100.0, 2.0, True, None, table=table)
    assert len(unknown_market.pairs) == 2  # the chain ends at the unknown market state
    assert odds_for("sp500", "record", 100.0, 2.0, True, "uptrend", table=table) is None


def test_edge_and_instability_verdicts():
    part = _table([_case(r20=5.0)] * 40)["universes"]["etfs"]
    assert part["groups"]["all"]["edge"]["verdict"] == "better"  # 100 % up against a baseline 60 % up
    assert part["groups"]["all"]["unstable"] is None  # no out-of-sample case to judge against
    cases = [_case(outcome="held")] * 30 + [_case(outcome="failed", date=date(2023, 1, 3))] * 30
    part = _table(cases)["universes"]["etfs"]
    assert part["groups"]["all"]["unstable"] is True
