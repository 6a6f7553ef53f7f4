"""``read_price_file`` finishes its checked table without checking again what it already checked
(:func:`price_frame_of_checked`); the plain path is :func:`bot.market.frames.to_price_frame` of
the same table. The two frames are equal in everything, on the real files of the data folder and
on files with repaired, repeated and unordered rows and other layouts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bot.market.frames import to_price_frame
from bot.market.price_file import checked_table, price_frame_of_checked, read_price_file

HEADER = "Date,Open,High,Low,Close,Volume,Adj Close\n"
ROWS = "".join(f"2023-01-{d:02d},10,11,9,10.5,1000,10.4\n" for d in range(2, 28))


def assert_same(plain: pd.DataFrame, other: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(other, plain, check_exact=True, check_freq=True, check_flags=True)
    assert other.index.dtype == plain.index.dtype and other.index.name == plain.index.name
    assert list(other.columns) == list(plain.columns) and other.attrs == plain.attrs
    assert np.array_equal(other.to_numpy().view(np.int64), plain.to_numpy().view(np.int64))


def test_real_files_give_the_plain_frame(shared_data):
    files = sorted(shared_data.glob("*.csv")) + sorted((shared_data / "universe").glob("*.csv.gz"))[::4]
    assert len(files) > 130
    for path in files:
        table, _ = checked_table(path)
        assert_same(to_price_frame(table), price_frame_of_checked(table))


@pytest.mark.parametrize("text", [
    HEADER + ROWS,
    "Date,Open,High,Low,Close,Volume\n" + "".join(f"2023-01-{d:02d},10,11,9,10.5,1000\n" for d in range(2, 28)),
    (HEADER + ROWS + "notadate,1,2,1,1,5,1\n" + "1850-06-01,1,2,1,1,5,1\n" + "2023-02-01,10,11,9,inf,100,1\n"
     + "2023-02-02,0,nan,-1,10,100,1\n" + "2023-02-03,10,11,9,10,-5,1\n" + "2023-01-05,10,12,9,11.5,1000,1\n"),
    "date,open,high,low,close,volume,adj_close\n2023-01-03,1,2,1,1.5,,\n2023-01-02,1,2,1,1.5,7,\n",
    # columns out of order, a time after the date, a bar with only a Close, a repeated date
    "Volume,Close,Adj Close,Low,High,Open,Date\n5,10,9.9,9,11,10,2023-01-03T10:00\n6,12,11.9,,,,2023-01-04\n"
    "7,11,10.9,10,12,10.5,2023-01-02 00:00:00\n8,13,12.9,12,14,,2023-01-04\n",
])
def test_repaired_and_unordered_rows_give_the_plain_frame(tmp_path, text):
    path = tmp_path / "X.csv"
    path.write_text(text)
    table, notes = checked_table(path)
    assert_same(to_price_frame(table), price_frame_of_checked(table))
    frame, again = read_price_file(path)
    assert_same(to_price_frame(table), frame)
    assert again == notes
