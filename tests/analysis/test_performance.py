from datetime import date

import pandas as pd
import pytest

from bot.analysis.performance import compare, period_return
from bot.dates import parse_period
from bot.errors import BadArgument, NotEnoughData


@pytest.mark.parametrize(("ticker", "expected"), [("SPY", 23.4), ("QQQ", 51.5), ("IWM", 14.0), ("MDY", 14.6)])
def test_ytd_matches_the_seed_note(load_daily, ticker, expected):
    # The note's +23 / +51 / +13 / +15 are best matched by price returns at the 2023-12-14 close.
    assert period_return(load_daily(ticker)["Close"], "ytd", date(2023, 12, 14)) == pytest.approx(expected, abs=1.0)


def test_compare_aligns_and_normalises(load_daily):
    closes = {t: load_daily(t)["Close"] for t in ("IWM", "SPY")}
    c = compare(closes, "ytd", date(2023, 12, 14))
    assert c.start == date(2022, 12, 30) and c.end == date(2023, 12, 14)
    assert c.normalized.iloc[0].tolist() == [1.0, 1.0]
    # the ratio is the quotient of the two normalised lines
    expected = (1 + c.returns["IWM"] / 100) / (1 + c.returns["SPY"] / 100)
    assert float(c.ratio.iloc[-1]) == pytest.approx(expected, rel=1e-9)
    assert c.ratio.iloc[-1] < 1  # IWM lagged SPY in 2023


def test_compare_uses_no_bar_after_as_of(load_daily):
    full = {t: load_daily(t)["Close"] for t in ("QQQ", "MDY")}
    cut = {t: s[s.index <= "2023-06-30"] for t, s in full.items()}
    a = compare(full, "3m", date(2023, 6, 30)).to_dict()
    b = compare(cut, "3m", date(2023, 6, 30)).to_dict()
    assert a == b


def test_synthetic_return_is_exact():
    idx = pd.bdate_range("2023-12-01", "2024-03-29")
    s = pd.Series(range(100, 100 + len(idx)), index=idx, dtype=float)
    # 1m from 2024-03-29 is based on the close of 2024-02-29
    assert period_return(s, "1m") == pytest.approx((s.iloc[-1] / s["2024-02-29"] - 1) * 100)
    # ytd is based on the last close of 2023
    assert period_return(s, "ytd") == pytest.approx((s.iloc[-1] / s["2023-12-29"] - 1) * 100)


@pytest.mark.parametrize("text, canonical", [("YTD", "ytd"), ("period=3m", "3m"), ("6mo", "6m"), ("12m", "1y"), (None, "ytd")])
def test_parse_period(text, canonical):
    assert parse_period(text) == canonical


@pytest.mark.parametrize("text", ["10y", "forever", "3x", "period="])
def test_bad_period(text):
    with pytest.raises(BadArgument, match="not a period"):
        parse_period(text)


def test_not_enough_history():
    s = pd.Series([1.0, 2.0], index=pd.to_datetime(["2024-03-01", "2024-03-04"]))
    with pytest.raises(NotEnoughData):
        period_return(s, "5y")
