"""The evidence lines say what the data supports and nothing else (property tests), in the
compact forms the issue asks for."""

import re
from dataclasses import replace
from datetime import date

from evidence_strategies import evidences
from hypothesis import given

from bot.analysis.evidence import Evidence, MarketState, Trend
from bot.words.evidence import evidence_lines

ADVICE = re.compile(r"\b(buy|sell|should|recommend|avoid|enter|exit)\b", re.IGNORECASE)


@given(evidences)
def test_one_line_per_supported_part_and_never_unknown(ev):
    lines = evidence_lines(ev)
    parts = [ev.volume_ratio, ev.rs_high if ev.rs_high is not None else ev.rs_rank, ev.trend, ev.market, ev.earnings]
    assert len(lines) == sum(p is not None for p in parts)
    for line in lines:
        assert line and "\n" not in line and len(line) <= 120
        assert not re.search(r"unknown|None|nan|n/a|-0\.0\b", line, re.IGNORECASE), line
        assert not ADVICE.search(line), line


@given(evidences)
def test_each_line_agrees_with_its_numbers(ev):
    text = "\n".join(evidence_lines(ev))
    if ev.volume_ratio is not None:
        assert f"Volume {ev.volume_ratio:.1f}x" in text
    if ev.rs_rank is not None:
        assert f"RS rank {ev.rs_rank}" in text
    if ev.rs_high is not None:
        assert ("at a 52-week high" in text) is ev.rs_high
    if ev.trend is not None:
        assert ("above the 50" in text) is ev.trend.above_50
        assert ("200-day rising" in text) is bool(ev.trend.rising_200)
        assert ("200-day" in text) is (ev.trend.above_200 is not None)
    if ev.market is not None:
        n = len(ev.market.distribution_days)
        assert f"{n} distribution day{'s' if n != 1 else ''} in 25 sessions" in text
        assert ("correction" in text) is (ev.market.state == "correction")
        assert ("under pressure" in text) is (ev.market.state == "under_pressure")
        assert f"Market ({ev.market.index})" in text
    if ev.earnings is not None:
        assert f"Earnings {ev.earnings.isoformat()}" in text
        flagged = ev.earnings_sessions is not None and ev.earnings_sessions <= 10
        assert text.endswith("⚠") is flagged


def test_the_issue_forms():
    market = MarketState("SPY", date(2023, 12, 26), "uptrend", (date(2023, 12, 15), date(2023, 12, 20)), date(2023, 11, 10))
    ev = Evidence(volume_ratio=0.632, rs_high=True, rs_rank=87, trend=Trend(True, True, True), market=market,
                  earnings=date(2024, 1, 25), earnings_sessions=7)
    assert evidence_lines(ev) == [
        "Volume 0.6x its 50-day average",
        "RS line (vs SPY) at a 52-week high · RS rank 87",
        "Trend: above the 50- and 200-day; 200-day rising",
        "Market (SPY): uptrend · 2 distribution days in 25 sessions",
        "Earnings 2024-01-25 (in 7 sessions) ⚠",
    ]
    assert evidence_lines(replace(ev, earnings_sessions=11))[-1] == "Earnings 2024-01-25 (in 11 sessions)"
    assert evidence_lines(replace(ev, earnings_sessions=10))[-1] == "Earnings 2024-01-25 (in 10 sessions) ⚠"
    assert evidence_lines(replace(ev, earnings_sessions=None))[-1] == "Earnings 2024-01-25"


def test_partial_parts():
    assert evidence_lines(Evidence()) == []
    assert evidence_lines(Evidence(rs_rank=5)) == ["RS rank 5"]
    assert evidence_lines(Evidence(rs_high=False)) == ["RS line (vs SPY) below its 52-week high"]
    assert evidence_lines(Evidence(trend=Trend(False, None, None))) == ["Trend: below the 50-day"]
    assert evidence_lines(Evidence(trend=Trend(True, False, False))) == [
        "Trend: above the 50-day, below the 200-day; 200-day not rising"]
    corr = MarketState("QQQ", date(2020, 4, 3), "correction", (date(2020, 3, 31),), None, rally_day=9)
    assert evidence_lines(Evidence(market=corr)) == [
        "Market (QQQ): in correction · rally attempt day 9 · 1 distribution day in 25 sessions"]
    fresh = MarketState("SPY", date(2020, 4, 6), "uptrend", (), date(2020, 4, 6))
    assert evidence_lines(Evidence(market=fresh)) == [
        "Market (SPY): uptrend · follow-through day 2020-04-06 · 0 distribution days in 25 sessions"]
