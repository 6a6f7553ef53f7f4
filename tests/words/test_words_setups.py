"""The words of setups, from real results (IWM on the seed day) and hand-made lists."""

from __future__ import annotations

from datetime import date

import pytest

from bot.analysis.base import find_base
from bot.words.setups import (
    MISSING_SHOWN,
    count_of_tests,
    missing_note,
    nothing_matches,
    plain_row,
    setup_row,
    setups_headline,
)


@pytest.fixture(scope="module")
def iwm(load_daily):
    return find_base(load_daily("IWM"), date(2023, 12, 15))


def test_row_of_a_test(iwm):
    row = setup_row(3, "IWM", iwm)
    assert row.startswith("3. **IWM** testing 199.26 (198.75–201.99) -1.1% · 4th test")
    assert row.endswith("1.7-year base")
    assert plain_row(row).startswith("3. IWM testing")


def test_tests_words_count_tests_when_not_testing(load_daily):
    spy = find_base(load_daily("SPY"), date(2023, 12, 15))
    assert spy.status == "breakout"
    assert count_of_tests(spy) == f"{len(spy.tests)} tests"


def test_missing_note_names_then_counts():
    assert missing_note([]) == ""
    assert missing_note(["DIA"]) == "No data for DIA (1): left out."
    many = [f"T{k}" for k in range(MISSING_SHOWN + 3)]
    note = missing_note(many)
    assert f"T{MISSING_SHOWN - 1}" in note and f"T{MISSING_SHOWN}" not in note and "and 3 more" in note


def test_headline_and_empty_answer():
    assert setups_headline("etfs", "near", 3.0, 6, 12) == "Setups in the ETFs: 6 of 12 tickers within 3% of resistance"
    assert nothing_matches("sp500", "failed", 3.0, 1) == (
        "Nothing to show: no ticker in the S&P 500 has a failed breakout right now (1 ticker screened).")
    assert "nothing to screen" in nothing_matches("watchlist", None, 3.0, 0)
