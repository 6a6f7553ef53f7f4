"""The study's words: the odds line says the group's own numbers, never "-0.0%"."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.analysis.study.table import Odds
from bot.words.study import group_name, odds_line, rates_table, signed


def _stats(n=412, held=71.0, best=9.8, back=58.0):
    r = lambda p: {"k": 0, "n": n, "pct": p, "lo": 0.0, "hi": 100.0}  # noqa: E731
    return {"n": n, "held": r(held), "up20": r(60.0), "throwback": r(back), "resumed": r(80.0),
            "median": {"r10": 1.0, "r20": 1.5, "r60": 3.0, "best_gain": best}}


def test_odds_line_reads_like_the_issue():
    odds = Odds("sp500", (("kind", "record"), ("length", "long")), _stats(), "2016-01-01", "2025-07-23", False,
                {"verdict": "none", "median_r20_diff": 0.1})
    assert odds_line(odds) == ("Past breakouts like this (record high, base > 18 months; S&P 500 stocks 2016–2025): "
                               "412 · 71% held 30 sessions · median best gain +9.8% · 58% came back to the line first")


def test_odds_line_of_all_breakouts():
    odds = Odds("etfs", (), _stats(n=1234), "2016-01-01", "2025-09-26", None, {"verdict": "none", "median_r20_diff": 0})
    assert odds_line(odds).startswith("Past breakouts (all; ETFs 2016–2025): 1,234 · ")


@given(st.floats(min_value=-0.049, max_value=0.049))
def test_never_minus_zero(x):
    assert signed(x) == "+0.0%"


def test_group_names_and_table_alignment():
    assert group_name("kind=major,length=short,market=correction") == "major base, base < 6 months, market in correction"
    text = rates_table([("S&P record >18 mo", _stats()), ("IWM own", _stats(n=7, best=-0.01))])
    widths = {len(line) for line in text.splitlines()}
    assert len(widths) == 1 and "-0.0" not in text
