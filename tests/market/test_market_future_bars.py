"""Bars dated after today in an own-data folder are not prices yet: skipped with one warning,
as a future --as-of is refused (issue 20 part 4)."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pandas as pd

from bot.market.csvdir import CsvDirectoryProvider, without_future_bars


def frame(first: date, days: int) -> pd.DataFrame:
    index = pd.DatetimeIndex(pd.bdate_range(first, periods=days), name="Date")
    return pd.DataFrame({"Open": 1.0, "High": 2.0, "Low": 0.5, "Close": 1.5, "Volume": 100.0}, index=index)


def test_bars_after_today_are_skipped_with_one_warning(tmp_path, caplog):
    today = date.today()
    frame(today - timedelta(days=60), 60).to_csv(tmp_path / "FUT.csv")  # runs ~4 weeks past today
    provider = CsvDirectoryProvider(tmp_path)
    for _ in range(3):
        df = provider.load("FUT")
        assert df.index[-1].date() <= today + timedelta(days=1)  # New York's today may be UTC's yesterday
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and "dated after today" in r.getMessage()]
    assert len(warnings) == 1 and "FUT.csv" in warnings[0].getMessage()


def test_the_cut_is_exact_at_today():
    df = frame(date(2024, 1, 1), 10)  # 2024-01-01 .. 2024-01-12 (business days)
    kept = without_future_bars(df, "X.csv", 0.0, today=date(2024, 1, 5))
    assert kept.index[-1].date() == date(2024, 1, 5) and len(kept) == 5
    assert without_future_bars(df, "X.csv", 0.0, today=date(2024, 1, 12)) is df
