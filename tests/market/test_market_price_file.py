"""The validated price-file loader: every malformed file is one line naming the file and the
problem; bad rows are skipped or repaired, and each repair is said."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from bot.market.csvdir import CsvDirectoryProvider, read_price_csv
from bot.market.price_file import BadPriceFile, read_price_file

HEADER = "Date,Open,High,Low,Close,Volume,Adj Close\n"
ROWS = "".join(f"2023-01-{d:02d},10,11,9,10.5,1000,10.4\n" for d in range(2, 28))


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


@pytest.mark.parametrize(
    "name, data, needle",
    [
        ("WRONG.csv", "a,b,c\n1,2,3\n", "lacks the columns Date, Open, High, Low, Close, Volume"),
        ("NOCLOSE.csv", "Date,Open,High,Low,Volume\n2023-01-02,1,2,1,5\n", "lacks the column Close"),
        ("ZERO.csv", b"", "is empty"),
        ("BLANK.csv", "\n\n  \n", "is empty"),
        ("NOTGZ.csv.gz", HEADER + ROWS, "is not a gzip file"),
        ("TRUNC.csv.gz", gzip.compress((HEADER + ROWS * 40).encode())[:300], "truncated"),
        ("CORRUPT.csv.gz", b"\x1f\x8b" + b"\x08\x00garbage-not-deflate" * 5, "corrupt"),
        ("RANDOM.csv", bytes(range(256)) * 4, "binary data"),
        ("LATIN.csv", HEADER.encode() + "2023-01-02,1,2,1,1,5,caf\xe9\n".encode("latin-1"), "not UTF-8"),
        ("HEADONLY.csv", HEADER, "header but no rows"),
        ("USDATES.csv", HEADER + "01/02/2023,1,2,1,1,5,1\n", "no readable dates"),
        ("ANCIENT.csv", HEADER + "0001-01-01,1,2,1,1,5,1\n", "no rows dated between 1900 and 2100"),
        ("NOPRICE.csv", HEADER + "2023-01-02,1,2,1,inf,5,1\n2023-01-03,1,2,1,-3,5,1\n", "no row with a usable Close"),
        ("QUOTE.csv", HEADER + '2023-01-02,"1,2,1,1,5,1\n', "is not a CSV table"),
    ],
)
def test_a_malformed_file_is_one_line_naming_it(tmp_path, name, data, needle):
    path = write(tmp_path, name, data)
    with pytest.raises(BadPriceFile) as info:
        read_price_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and needle in message
    assert "\n" not in message


def test_bad_rows_are_skipped_or_repaired_and_each_repair_is_said(tmp_path):
    text = (HEADER + ROWS
            + "notadate,1,2,1,1,5,1\n"          # unreadable date: skipped
            + "1850-06-01,1,2,1,1,5,1\n"        # before 1900: skipped
            + "2023-02-01,10,11,9,inf,100,1\n"  # Close not a price: skipped
            + "2023-02-02,0,nan,-1,10,100,1\n"  # Open/High/Low rebuilt from the Close
            + "2023-02-03,10,11,9,10,-5,1\n"    # negative volume: unknown
            + "2023-01-05,10,12,9,11.5,1000,1\n")  # a repeated date: the last row wins
    frame, notes = read_price_file(write(tmp_path, "X.csv", text))
    said = " | ".join(notes)
    for needle in ("1 row with an unreadable date (first: 'notadate')", "1 row dated outside 1900-2100",
                   "1 row whose Close is not a price (first: 2023-02-01)",
                   "rebuilt Open/High/Low of 1 row", "1 row with an impossible Volume",
                   "1 row whose date appears again later (first: 2023-01-05)"):
        assert needle in said, needle
    assert len(notes) == 6
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert frame.loc["2023-01-05", "Close"] == 11.5
    assert "2023-02-01" not in frame.index.strftime("%Y-%m-%d")
    assert tuple(frame.loc["2023-02-02", ["Open", "High", "Low"]]) == (10.0, 10.0, 10.0)
    assert np.isnan(frame.loc["2023-02-03", "Volume"])
    assert np.isfinite(frame[["Open", "High", "Low", "Close"]].to_numpy()).all()


def test_a_clean_file_has_no_notes_and_gzip_reads_the_same(tmp_path):
    plain, notes = read_price_file(write(tmp_path, "A.csv", HEADER + ROWS))
    zipped, znotes = read_price_file(write(tmp_path, "B.csv.gz", gzip.compress((HEADER + ROWS).encode())))
    assert notes == [] and znotes == []
    assert plain.equals(zipped) and len(plain) == 26


def test_header_spelling_and_ragged_rows(tmp_path):
    text = (" date , OPEN,high,Low,close,volume,adj_close\n" + ROWS
            + "2023-03-01,1,2,1,1,5,1,extra,fields\n")
    frame, notes = read_price_file(write(tmp_path, "H.csv", text))
    assert list(frame.columns) == ["Open", "High", "Low", "Close", "Volume", "Adj Close"]
    assert len(frame) == 26 and notes == ["skipped 1 row with the wrong number of fields"]


def test_timestamps_with_a_time_and_offset_keep_their_day(tmp_path):
    text = HEADER + "2023-01-03 00:00:00+09:00,1,2,1,1.5,5,1\n2023-01-04T00:00:00-05:00,1,2,1,1.6,5,1\n"
    frame, notes = read_price_file(write(tmp_path, "T.csv", text))
    assert [d.isoformat() for d in frame.index.date] == ["2023-01-03", "2023-01-04"] and notes == []


def test_repairs_are_logged_once_per_file_version(tmp_path, caplog):
    path = write(tmp_path, "R.csv", HEADER + ROWS + "2023-02-01,10,11,9,inf,100,1\n")
    provider = CsvDirectoryProvider(tmp_path)
    with caplog.at_level("WARNING", logger="bot.market.csvdir"):
        provider.load("R")
        provider.load("R")
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.market.csvdir"]
    assert lines == [f"{path}: skipped 1 row whose Close is not a price (first: 2023-02-01)"]
    assert read_price_csv(path).index[-1].isoformat()[:10] == "2023-01-27"


async def test_an_unreadable_file_fails_only_its_ticker(tmp_path):
    write(tmp_path, "GOOD.csv", HEADER + ROWS)
    write(tmp_path, "BAD.csv", "a,b\n1,2\n")
    provider = CsvDirectoryProvider(tmp_path)
    batch = await provider.fetch(["GOOD", "BAD", "NONE"])
    assert set(batch) == {"GOOD"} and set(batch.unavailable) == {"BAD"}
    assert isinstance(batch.unavailable["BAD"], BadPriceFile)
    assert await provider.latest_date(["GOOD", "BAD"]) == frame_last(tmp_path / "GOOD.csv")


def frame_last(path):
    return read_price_csv(path).index[-1].date()


def test_data_dir_that_is_a_file_says_so(tmp_path):
    path = write(tmp_path, "prices.csv", HEADER + ROWS)
    with pytest.raises(Exception, match="is a file, not a folder"):
        CsvDirectoryProvider(path)


def test_real_files_load_without_notes(shared_data):
    for name in ("IWM.csv", "XLRE.csv", "universe/AAPL.csv.gz", "universe/HUBB.csv.gz"):
        frame, notes = read_price_file(shared_data / name)
        assert notes == [], (name, notes)
        assert len(frame) > 1000
