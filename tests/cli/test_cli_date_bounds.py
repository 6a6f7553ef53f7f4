"""Date arguments bounded to what the data can answer, with a message naming the data's
range; "unknown ticker" only for an unknown ticker; an empty --period is a mistake."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fakes import FakeProvider, synthetic_daily

from bot.cli import main
from bot.errors import BadArgument, NotEnoughData, UnknownTicker
from bot.market.bounds import Span, bound_as_of, bound_range
from bot.market.service import MarketData

IWM_RANGE = "IWM's prices run from 2000-05-26 to 2025-09-26"
FUTURE = (date.today() + timedelta(days=400)).isoformat()


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["base", "IWM", "--as-of", "0001-01-01"], f"No IWM prices on or before 0001-01-01: {IWM_RANGE}."),
        (["compare", "IWM", "SPY", "--as-of", "0001-01-01"], IWM_RANGE),
        (["perf", "--as-of", "0001-01-01"], "SPY's prices run from 1993-01-29"),
        (["replay", "IWM", "--from", "0001-01-01", "--to", "0001-12-31"],
         f"No IWM prices from 0001-01-01 to 0001-12-31: {IWM_RANGE}."),
        (["history", "IWM", "--to", "0001-01-01"], f"No IWM prices up to 0001-01-01: {IWM_RANGE}."),
        (["history", "IWM", "--from", "2026-01-01"], f"No IWM prices from 2026-01-01 on: {IWM_RANGE}."),
        (["replay", "IWM", "--from", "2026-01-01"], IWM_RANGE),
        (["base", "IWM", "--as-of", "1995-01-01"], IWM_RANGE),
        (["compare", "XLC", "SPY", "--as-of", "2018-07-01", "--period", "1y"],
         "The 1y return needs a XLC close on or before 2017-07-01: XLC's prices run from 2018-06-19"),
        (["base", "IWM", "--as-of", FUTURE], f"{FUTURE} is in the future"),
        (["compare", "IWM", "SPY", "--as-of", FUTURE], "is in the future"),
        (["replay", "IWM", "--from", "2024-01-01", "--to", FUTURE], "is in the future"),
        (["perf", "--period", ""], "The period is empty"),
        (["compare", "IWM", "SPY", "--period", "  "], "The period is empty"),
        (["base", "IWM", "--out", "x.jpg"], "give a file name ending in .png"),
    ],
)
def test_out_of_range_arguments_name_the_data(shared_data, capsys, argv, needle):
    code, out, err = run(capsys, *argv, "--data-dir", str(shared_data))
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and needle in err
    assert "unexpected" not in err and "Is the symbol right" not in err


def test_a_date_after_the_data_answers_from_the_last_bar_for_every_command(shared_data, capsys):
    """base, compare and perf agree: a past date the files do not reach yet is their last bar."""
    for argv in (["base", "IWM"], ["compare", "IWM", "SPY"], ["perf", "IWM"]):
        code, out, err = run(capsys, *argv, "--as-of", "2026-03-01", "--data-dir", str(shared_data))
        assert code == 0, (argv, err)
        assert "Data as of 2025-09-26" in out


def test_replay_and_history_cut_their_range_to_the_data(shared_data, capsys):
    code, out, err = run(capsys, "replay", "IWM", "--from", "1990-01-01", "--to", "2001-01-01",
                         "--data-dir", str(shared_data))
    assert code == 0, err
    assert out.splitlines()[:2] == ["IWM's prices run from 2000-05-26 to 2000-12-29: replaying over that.",
                                    "IWM: 0 events from 2000-05-26 to 2000-12-29"]


def test_a_known_ticker_is_never_unknown_and_an_unknown_one_is(shared_data, capsys):
    code, _, err = run(capsys, "base", "ZZZZQ", "--as-of", "0001-01-01", "--data-dir", str(shared_data))
    assert code == 1 and "No price data found for `ZZZZQ`" in err


# ---- the same rules for a source that cannot tell its range without a download (Yahoo) ----

@pytest.fixture
def live_like():
    """A provider without a cheap ``span``: MarketData has to ask it for the whole history."""
    return MarketData(FakeProvider({"AAA": synthetic_daily("2020-01-02", "2024-06-28")}))


async def test_a_window_before_the_data_names_its_range(live_like):
    with pytest.raises(NotEnoughData, match=r"No AAA prices from 2010-01-01 to 2011-01-01: "
                                            r"AAA's prices run from 2020-01-02 to 2024-06-28\."):
        await live_like.history("AAA", start=date(2010, 1, 1), end=date(2011, 1, 1))
    with pytest.raises(UnknownTicker):
        await live_like.history("BBB", start=date(2010, 1, 1), end=date(2011, 1, 1))


async def test_a_date_before_1900_is_checked_before_any_arithmetic(live_like):
    with pytest.raises(NotEnoughData, match="No AAA prices on or before 0001-01-01"):
        await live_like.resolve_as_of(["AAA"], date(1, 1, 1))
    assert await live_like.resolve_as_of(["AAA"], date(2023, 5, 5)) == date(2023, 5, 5)
    with pytest.raises(BadArgument, match="in the future"):
        await live_like.resolve_as_of(["AAA"], date.today() + timedelta(days=3))


def test_as_of_the_first_and_the_last_bar_is_inside_the_data(shared_data, tmp_path, capsys):
    """IWM's first bar (2000-05-26) and last bar (2025-09-26) are dates the data answers: the
    first has too little history for a base or a year-to-date return, and says so, not that
    there are no prices; the last answers as of itself."""
    data = ("--data-dir", str(shared_data))
    code, out, err = run(capsys, "base", "IWM", "--as-of", "2000-05-26", *data)
    assert code != 0 and "have 1 up to 2000-05-26" in err and "No IWM prices" not in err
    code, out, err = run(capsys, "compare", "IWM", "SPY", "--as-of", "2000-05-26", "--period", "ytd", *data)
    assert code != 0 and "The ytd return needs a IWM close on or before 1999-12-31" in err
    code, out, err = run(capsys, "base", "IWM", "--as-of", "2025-09-26", "--out", str(tmp_path / "b.png"), *data)
    assert code == 0 and "Data as of 2025-09-26" in out
    code, out, err = run(capsys, "compare", "IWM", "SPY", "--as-of", "2025-09-26", "--out", str(tmp_path / "c.png"), *data)
    assert code == 0 and "Data as of 2025-09-26" in out


def test_bounds_rules():
    a = Span("A", date(2000, 1, 3), date(2020, 1, 3))
    b = Span("B", date(2005, 1, 3), date(2021, 1, 4))
    assert bound_as_of([a, b], date(2030, 1, 1)) == date(2021, 1, 4)
    assert bound_as_of([a, b], date(2010, 1, 1)) == date(2010, 1, 1)
    assert bound_as_of([a], a.first) == a.first and bound_as_of([a], a.last) == a.last  # the data's own edges
    assert bound_as_of([a, b], b.first) == b.first
    with pytest.raises(NotEnoughData, match="No B prices on or before 2004-12-31: B's prices run from 2005-01-03"):
        bound_as_of([a, b], date(2004, 12, 31))
    assert bound_range(a, None, None) == (a.first, a.last)
    assert bound_range(a, date(1990, 1, 1), date(2000, 1, 3)) == (a.first, a.first)
    with pytest.raises(NotEnoughData, match="No A prices from 2020-01-04 on"):
        bound_range(a, date(2020, 1, 4), None)


# ---- the remaining reproductions of issue 11 that go through the CLI ----

def test_one_inf_row_in_2000_changes_nothing_in_2023(shared_data, tmp_path, capsys):
    clean = (shared_data / "IWM.csv").read_text().splitlines()
    row = next(i for i, line in enumerate(clean) if line.startswith("2000-08-07"))
    fields = clean[row].split(",")
    fields[2] = "inf"  # the High of one bar in 2000
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "IWM.csv").write_text("\n".join(clean[:row] + [",".join(fields)] + clean[row + 1:]) + "\n")
    # SPY as it is: base's evidence reads it (the RS line, the market's state)
    (damaged / "SPY.csv").write_text((shared_data / "SPY.csv").read_text())
    answers, said = [], []
    for folder in (shared_data, damaged):
        code, out, err = run(capsys, "history", "IWM", "--from", "2022-06-01", "--json", "--data-dir", str(folder))
        assert code == 0, err
        answers.append(out)
        said.append(err)
    assert answers[0] == answers[1]
    assert said[0] == "" and said[1] == (f"warning: {damaged / 'IWM.csv'}: rebuilt Open/High/Low of 1 row "
                                         "from the bar's other prices (first: 2000-08-07)\n")
    for argv in (["base", "IWM", "--as-of", "2023-12-15"], ["perf", "IWM", "--as-of", "2023-12-14"]):
        outs = [run(capsys, *argv, "--json", "--data-dir", str(folder))[1] for folder in (shared_data, damaged)]
        assert outs[0] == outs[1] and outs[0]


@pytest.mark.parametrize("name, data, needle", [
    ("IWM.csv", b"a,b,c\n1,2,3\n", "lacks the columns"),
    ("IWM.csv", b"", "is empty"),
    ("IWM.csv.gz", b"Date,Open\n", "is not a gzip file"),
    ("IWM.csv", b"\xff\xfe\x00garbage\x00", "is binary data"),
    ("IWM.csv", b"Date,Open,High,Low,Close,Volume\nnotadate,1,2,1,1,5\n", "has no readable dates"),
])
def test_a_malformed_file_is_one_cli_line_naming_it(tmp_path, capsys, name, data, needle):
    (tmp_path / name).write_bytes(data)
    for argv in (["base", "IWM"], ["compare", "IWM", "IWM2"], ["history", "IWM"]):
        code, out, err = run(capsys, *argv, "--data-dir", str(tmp_path))
        assert code == 1 and out == ""
        assert err.splitlines() == [err.strip()] and err.startswith(f"error: {tmp_path / name}: ")
        assert needle in err


def test_data_dir_naming_a_file_is_one_line(tmp_path, capsys):
    (tmp_path / "IWM.csv").write_text("Date,Open,High,Low,Close,Volume\n")
    code, _, err = run(capsys, "base", "IWM", "--data-dir", str(tmp_path / "IWM.csv"))
    assert code == 1 and err.strip().endswith("is a file, not a folder of <TICKER>.csv files.")


def test_a_yahoo_failure_is_one_line_without_its_log_noise(monkeypatch, tmp_path, capsys):
    """yfinance reports failures only in its log; the user sees our one line, and no claim
    of cached bars when nothing is cached."""
    import logging

    import pandas as pd

    def download(**kwargs):
        log = logging.getLogger("yfinance")
        for symbol in kwargs["tickers"]:
            log.error("%s: Failed to get ticker '%s' reason: Could not resolve host", symbol, symbol)
        log.error("1 Failed download:")
        return pd.DataFrame()

    monkeypatch.setattr("bot.market.yahoo._default_download", download)
    monkeypatch.setenv("BREAKOUT_DB_PATH", str(tmp_path / "cache.sqlite3"))
    monkeypatch.setenv("BREAKOUT_DATA_DIR", "")
    code, out, err = run(capsys, "base", "IWM")
    assert code == 1 and out == ""
    assert err.splitlines() == ["error: Yahoo Finance is not answering right now."]
