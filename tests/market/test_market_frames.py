"""The frame convention at the source boundary: odd rows from a vendor never reach analysis."""

from datetime import date

import numpy as np
import pandas as pd

from bot.analysis.base import find_base
from bot.market.frames import to_price_frame


def test_missing_open_high_low_are_filled_from_the_close():
    raw = pd.DataFrame(
        {"Date": ["2024-01-02", "2024-01-03", "2024-01-04"], "Open": [10.0, np.nan, 10.5],
         "High": [10.4, np.nan, 10.9], "Low": [9.8, np.nan, 10.1], "Close": [10.2, 10.6, 10.7],
         "Volume": [100.0, np.nan, 120.0]}
    )
    df = to_price_frame(raw)
    row = df.loc["2024-01-03"]
    assert (row["Open"], row["High"], row["Low"], row["Close"]) == (10.6, 10.6, 10.6, 10.6)
    assert np.isnan(row["Volume"])  # an unknown volume stays unknown
    assert not df[["Open", "High", "Low", "Close"]].isna().any().any()


def test_only_missing_high_uses_open_and_close():
    raw = pd.DataFrame({"Date": ["2024-01-02"], "Open": [10.0], "High": [np.nan], "Low": [np.nan],
                        "Close": [10.5], "Volume": [1.0]})
    row = to_price_frame(raw).iloc[0]
    assert row["High"] == 10.5 and row["Low"] == 10.0


def test_a_bar_without_high_low_does_not_break_the_base(load_daily):
    # Yahoo sometimes sends a row with a Close and no Open/High/Low; one such row in IWM's
    # base used to crash the weekly finder and hide the daily base.
    iwm = load_daily("IWM")
    as_of = date(2023, 12, 20)
    reference = find_base(iwm, as_of)
    raw = iwm.reset_index()
    raw.loc[raw["Date"] == pd.Timestamp("2023-06-15"), ["Open", "High", "Low"]] = np.nan
    holed = to_price_frame(raw)
    for timeframe in ("weekly", "daily"):
        got = find_base(holed, as_of, timeframe=timeframe)
        want = find_base(iwm, as_of, timeframe=timeframe)
        assert got.status == want.status and got.resistance == want.resistance
    assert find_base(holed, as_of).status == reference.status


def test_beyond_rounding_of_two_numbers_agrees_with_the_array_rule():
    from bot.market.frames import beyond_rounding

    old = np.array([100.0, 100.0, 100.0, 2.0, 2.0, 0.0, 50.0, 1e4, float("nan"), 100.0])
    new = np.array([100.1, 100.3, 99.7, 2.005, 2.02, 0.005, 25.0, 1e4 + 10.0, 1.0, float("nan")])
    rule = beyond_rounding(old, new)
    assert rule.tolist() == [False, True, True, False, True, False, True, False, False, False]
    for o, n, want in zip(old.tolist(), new.tolist(), rule.tolist()):
        got = beyond_rounding(o, n)
        assert got == want and isinstance(got, bool), (o, n)
