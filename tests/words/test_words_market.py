from datetime import date

from evidence_strategies import markets
from hypothesis import given
from hypothesis import strategies as st

from bot.analysis.evidence import MarketState
from bot.words.market import chart_subtitle, chart_title, detail_lines, headline


def test_the_lines_of_each_state():
    up = MarketState("SPY", date(2023, 12, 26), "uptrend", (date(2023, 12, 15), date(2023, 12, 20)), date(2023, 11, 10))
    assert headline(up) == "Market (SPY): uptrend"
    assert detail_lines(up, close=475.65, average_50=460.0, year_high=475.65) == [
        "2 distribution days in the last 25 sessions: Dec 15, Dec 20.",
        "Latest follow-through day: 2023-11-10.",
        "SPY closed at 475.65, 3.4% above its 50-day average (460.00), at its 52-week closing high.",
    ]
    assert chart_title(up) == "SPY · market · uptrend"
    assert chart_subtitle(up) == "2 distribution days in 25 sessions · follow-through Nov 10, 2023"
    corr = MarketState("IWM", date(2022, 6, 16), "correction", (date(2022, 6, 13),), None, rally_day=None)
    assert headline(corr) == "Market (IWM): in correction"
    lines = detail_lines(corr, close=160.0, average_50=180.0, year_high=200.0)
    assert lines[1].startswith("No rally attempt yet")
    assert lines[2] == "IWM closed at 160.00, 11.1% below its 50-day average (180.00), 20.0% below its 52-week closing high."
    assert chart_subtitle(corr) == "1 distribution day in 25 sessions · no rally attempt yet"
    pressure = MarketState("QQQ", date(2024, 4, 17), "under_pressure", tuple(date(2024, 4, d) for d in (1, 2, 4, 12, 15)), None)
    assert headline(pressure) == "Market (QQQ): uptrend under pressure"
    assert detail_lines(pressure, close=1.0, average_50=None, year_high=None)[-1] == "QQQ closed at 1.00."


@given(markets, st.floats(1, 1000), st.none() | st.floats(1, 1000), st.none() | st.floats(1, 1000))
def test_lines_agree_with_the_state(m, close, sma, high):
    lines = detail_lines(m, close=close, average_50=sma, year_high=high)
    n = len(m.distribution_days)
    assert lines[0].startswith(f"{n} distribution day{'s' if n != 1 else ''} in the last 25 sessions")
    assert ("Rally attempt" in lines[1] or "No rally attempt" in lines[1]) is (m.state == "correction")
    assert all("-0.0" not in line and "None" not in line for line in lines)
    if sma:
        assert ("above its 50-day" in lines[-1]) is (close >= sma)
