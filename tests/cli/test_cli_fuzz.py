"""Fuzz the command line with generated price files and arguments: whatever the input, the
answer is a result or one clear error line, never "error: unexpected …" (the program's own
word for a bug) and never a traceback.

Files vary in columns (order, spelling, missing, extra), values (inf, nan, zero, negative,
huge, text), dates (unreadable, out of range, repeated, shuffled, with times and offsets),
encodings (UTF-8 with or without BOM, Latin-1, UTF-16, random bytes), line endings and
compression (gzip, truncated gzip, a .gz that is plain text, gzip under a .csv name).

CI runs a few examples, derandomized (the "ci" profile in conftest); ``FUZZ_EXAMPLES=10000``
runs many. ``--hypothesis-show-statistics`` prints how the examples ended.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import re
import tempfile
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.cli import main

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))

COLUMNS = ["Date", "Open", "High", "Low", "Close", "Volume", "Adj Close"]
BAD_CELLS = ["", "nan", "NaN", "inf", "-inf", "-1", "0", "-0", "1e308", "1e-300", "abc", " 12.5 ",
             "null", "1,5", "\"7\"", "0x10", "1e400"]
BAD_DATES = ["", "notadate", "0001-01-01", "9999-12-31", "2023-02-30", "1899-12-31", "2101-01-01",
             "12/15/2023", "2023-12-15T00:00:00-05:00", "2023-12-15 00:00:00+09:00", "20231215",
             "2023-1-5", " 2023-12-15", "1677-09-21", "2262-04-12"]
ARG_DATES = ["0001-01-01", "9999-12-31", "2023-13-45", "", "1899-12-31", "1970-01-01", "2262-04-12",
             "2025-09-26", "yesterday"]
PERIODS = ["ytd", "1m", "3m", "6m", "1y", "2y", "5y", "", "10y", "YTD", "period=3m"]


@st.composite
def price_table(draw, start: date, n: int, damaged: bool) -> list[dict[str, str]]:
    """Rows of text cells: a random walk, then (when ``damaged``) broken cells and rows."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    price = draw(st.sampled_from([0.0001, 0.5, 20.0, 150.0, 5e5, 1e11]))
    vol = draw(st.sampled_from([0.0, 0.004, 0.02, 0.15]))
    days = pd.bdate_range(start, periods=n)
    close = price * np.exp(np.cumsum(rng.normal(0, vol, n)))
    open_ = np.r_[close[:1], close[:-1]]
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 2 * vol + 1e-9, n))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, min(2 * vol, 0.5) + 1e-9, n))
    volume = rng.integers(0, 5_000_000, n)
    rows = [{"Date": d.strftime("%Y-%m-%d"), "Open": f"{o:.6g}", "High": f"{h:.6g}", "Low": f"{lo:.6g}",
             "Close": f"{c:.6g}", "Volume": str(v), "Adj Close": f"{c * 0.97:.6g}"}
            for d, o, h, lo, c, v in zip(days, open_, high, low, close, volume)]
    if rows and damaged:
        for _ in range(draw(st.integers(0, 8))):
            i = draw(st.integers(0, len(rows) - 1))
            col = draw(st.sampled_from(COLUMNS))
            rows[i][col] = draw(st.sampled_from(BAD_DATES if col == "Date" else BAD_CELLS))
        if draw(st.booleans()):
            for _ in range(draw(st.integers(1, 5))):  # repeated dates
                rows.insert(draw(st.integers(0, len(rows))), dict(rows[draw(st.integers(0, len(rows) - 1))]))
        if draw(st.integers(0, 9)) == 0:
            rows.reverse()
    return rows


@st.composite
def price_file(draw, start: date, n: int) -> tuple[str, bytes]:
    """(file suffix, bytes) of one price file: clean, with damaged cells, or broken anyhow."""
    damage = draw(st.sampled_from(["none", "none", "cells", "cells", "any"]))
    rows = draw(price_table(start, n, damage != "none"))
    columns = list(COLUMNS)
    layout = "plain" if damage != "any" else draw(st.sampled_from(
        ["plain", "no-adj", "shuffled", "lower", "missing", "extra", "garbage"]))
    if layout == "no-adj":
        columns.remove("Adj Close")
    elif layout == "shuffled":
        columns = draw(st.permutations(columns))
    elif layout == "missing":
        columns.remove(draw(st.sampled_from(COLUMNS)))
    header = list(columns)
    if layout == "lower":
        header = [c.lower().replace(" ", "_") for c in columns]
    elif layout == "extra":
        header, columns = header + ["Dividends"], columns + ["Dividends"]
    elif layout == "garbage":
        header = [f"c{i}" for i in range(len(columns))]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [",".join(header)] + [",".join(r.get(c, "0") for c in columns) for r in rows]
    if rows and damage == "any" and draw(st.booleans()):  # a ragged row
        i = draw(st.integers(1, len(lines) - 1))
        lines[i] = lines[i] + ",1,2" if draw(st.booleans()) else lines[i].rsplit(",", 2)[0]
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    encoding = "utf-8" if damage != "any" else draw(st.sampled_from(
        ["utf-8", "utf-8-sig", "latin-1", "utf-16", "random", "empty"]))
    if encoding == "random":
        data = bytes(draw(st.binary(min_size=1, max_size=300)))
    elif encoding == "empty":
        data = b""
    elif encoding == "latin-1":
        data = (text + newline + "2024-01-02,caf\xe9,1,1,1,1,1").encode("latin-1")
    else:
        data = text.encode(encoding)
    container = draw(st.sampled_from(["csv", "gz"] if damage != "any" else
                                     ["csv", "gz", "gz-truncated", "gz-plain", "csv-gzip"]))
    if container == "gz":
        return ".csv.gz", gzip.compress(data)
    if container == "gz-truncated":
        packed = gzip.compress(data)
        return ".csv.gz", packed[: draw(st.integers(0, max(0, len(packed) - 1)))]
    if container == "gz-plain":
        return ".csv.gz", data
    if container == "csv-gzip":
        return ".csv", gzip.compress(data)
    return ".csv", data


def arg_date(draw, around: list[date]):
    choice = draw(st.integers(0, 5))
    if choice <= 1:
        return None
    if choice == 2:
        return draw(st.sampled_from(ARG_DATES))
    if choice <= 4 and around:
        base = draw(st.sampled_from(around))
        return (base + timedelta(days=draw(st.integers(-100, 1300)))).isoformat()
    return draw(st.dates(date(1900, 1, 1), date(2030, 12, 31))).isoformat()


@st.composite
def cli_case(draw):
    lengths = st.one_of(st.sampled_from([1, 30, 300, 600, 900]), st.integers(0, 900))
    start, n = draw(st.dates(date(1995, 1, 1), date(2025, 6, 1))), draw(lengths)
    same = draw(st.booleans())  # half the time both files cover the same days
    other = start if same else draw(st.dates(date(1995, 1, 1), date(2025, 6, 1)))
    files = {"AAA": draw(price_file(start, n)), "BBB": draw(price_file(other, n if same else draw(lengths)))}
    around = [start, other, start + timedelta(days=900), date(2025, 9, 26)]
    command = draw(st.sampled_from(["base", "base", "compare", "perf", "replay", "history"]))
    tickers = ["AAA"] * 5 + ["BBB"] * 3 + ["ZZZ"]  # ZZZ has no file
    argv = [command]
    if command == "base":
        argv += [draw(st.sampled_from(tickers))]
        argv += ["--timeframe", draw(st.sampled_from(["weekly", "daily"]))]
    elif command == "compare":
        argv += ["AAA", "BBB"] if draw(st.booleans()) else draw(st.lists(st.sampled_from(tickers), min_size=1,
                                                                          max_size=3))
    elif command == "perf":
        argv += draw(st.lists(st.sampled_from(tickers), min_size=1, max_size=3))
    else:
        argv += [draw(st.sampled_from(tickers))]
    if command in ("base", "compare", "perf") and (as_of := arg_date(draw, around)) is not None:
        argv += ["--as-of", as_of]
    if command in ("compare", "perf") and draw(st.booleans()):
        argv += ["--period", draw(st.sampled_from(PERIODS))]
    if command in ("replay", "history"):
        start, end = arg_date(draw, around), arg_date(draw, around)
        if command == "replay" and start is None:
            start = draw(st.sampled_from(["2023-06-01", "2015-01-02", "0001-01-01"]))
        if start is not None:
            argv += ["--from", start]
        if end is not None:
            argv += ["--to", end]
    if draw(st.booleans()):
        argv += ["--json"]
    render = command in ("base", "compare") and draw(st.integers(0, 4)) == 0
    return files, argv, render


def _kind(line: str) -> str:
    """'error: /tmp/x/prices/AAA.csv: is empty.' -> 'file: is empty'; other errors: their first words."""
    text = re.sub(r"\d{4}-\d{2}-\d{2}", "<date>", line[len("error: "):])
    if "/prices/" in text:
        return "file: " + " ".join(text.split(": ", 1)[-1].split()[:3])
    return " ".join(text.replace("`", "").split()[:3])


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(case=cli_case())
def test_no_input_reaches_an_unexpected_error(case):
    files, argv, render = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "prices"
        folder.mkdir()
        for ticker, (suffix, data) in files.items():
            (folder / f"{ticker}{suffix}").write_bytes(data)
        extra = ["--out", str(Path(tmp) / "chart.png")] if render else []
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([*argv, *extra, "--data-dir", str(folder)])
    err_text = err.getvalue()
    errors = [line for line in err_text.splitlines() if line.startswith("error:")]
    event(f"{argv[0]}: exit {code}")
    if errors:
        event(f"error: {_kind(errors[0])}")
    assert "unexpected" not in err_text, (argv, err_text)
    assert "Traceback" not in err_text, (argv, err_text)
    assert code in (0, 1, 2), (argv, code, err_text)
    if code == 0:
        assert errors == [] and out.getvalue().strip(), (argv, err_text)
    else:
        assert len(errors) == 1 and err_text.rstrip().splitlines()[-1] == errors[0], (argv, err_text)
