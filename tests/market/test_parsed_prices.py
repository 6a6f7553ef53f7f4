"""Parsing a price file elsewhere (a worker process) gives the very frame the plain loader gives.

``parse_price_file`` + ``frame_of_parsed`` is how the bot reads its files now; ``read_price_file``
is the plain path. On the real files of the data folder, on a file with repaired rows and on
files without ``Adj Close`` the two frames are equal in everything (values, index and its unit,
columns and their dtypes, flags, attrs), the notes are the same, and a BadPriceFile crosses a
process boundary whole.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from bot.market.parsed_prices import ParsedPrices, frame_of_parsed, parse_price_file
from bot.market.price_file import BadPriceFile, read_price_file

HEADER = "Date,Open,High,Low,Close,Volume,Adj Close\n"
ROWS = "".join(f"2023-01-{d:02d},10,11,9,10.5,1000,10.4\n" for d in range(2, 28))


def assert_same(plain: pd.DataFrame, other: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(other, plain, check_exact=True, check_freq=True, check_flags=True)
    assert other.index.dtype == plain.index.dtype and other.index.name == plain.index.name
    assert other.columns.dtype == plain.columns.dtype and list(other.columns) == list(plain.columns)
    assert other.attrs == plain.attrs
    # NaN where NaN, and every bit of every value the same
    assert np.array_equal(other.to_numpy().view(np.int64), plain.to_numpy().view(np.int64))


def through_a_process_boundary(parsed: ParsedPrices) -> ParsedPrices:
    return pickle.loads(pickle.dumps(parsed))


def test_real_files_parse_to_the_plain_loaders_frame(shared_data):
    """Every ETF file (with Adj Close) and every fourth stock file (gzipped, without it)."""
    files = sorted(shared_data.glob("*.csv")) + sorted((shared_data / "universe").glob("*.csv.gz"))[::4]
    assert len(files) > 130
    for path in files:
        plain, notes = read_price_file(path)
        parsed = through_a_process_boundary(parse_price_file(path))
        assert_same(plain, frame_of_parsed(parsed))
        assert parsed.notes == tuple(notes)


@pytest.mark.parametrize("text", [
    HEADER + ROWS,
    "Date,Open,High,Low,Close,Volume\n" + "".join(f"2023-01-{d:02d},10,11,9,10.5,1000\n" for d in range(2, 28)),
    (HEADER + ROWS + "notadate,1,2,1,1,5,1\n" + "1850-06-01,1,2,1,1,5,1\n" + "2023-02-01,10,11,9,inf,100,1\n"
     + "2023-02-02,0,nan,-1,10,100,1\n" + "2023-02-03,10,11,9,10,-5,1\n" + "2023-01-05,10,12,9,11.5,1000,1\n"),
    "date,open,high,low,close,volume,adj_close\n2023-01-03,1,2,1,1.5,,\n2023-01-02,1,2,1,1.5,7,\n",
])
def test_repaired_rows_and_other_layouts_parse_to_the_same_frame_and_notes(tmp_path, text):
    path = tmp_path / "X.csv"
    path.write_text(text)
    plain, notes = read_price_file(path)
    parsed = through_a_process_boundary(parse_price_file(path))
    assert_same(plain, frame_of_parsed(parsed))
    assert parsed.notes == tuple(notes)


def test_a_bad_file_error_crosses_a_process_boundary_whole(tmp_path):
    path = tmp_path / "EMPTY.csv"
    path.write_bytes(b"")
    with pytest.raises(BadPriceFile) as info:
        parse_price_file(path)
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is BadPriceFile
    assert (str(back), back.path, back.problem, back.ticker, back.public) == (
        str(info.value), info.value.path, info.value.problem, "EMPTY", info.value.public)
