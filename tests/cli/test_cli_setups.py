"""``python -m bot setups``: the issue's command on the seed day, JSON, text, the picture, bad input."""

from __future__ import annotations

import json

from bot.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_issue_command_on_the_seed_day(shared_data, capsys, tmp_path):
    png = tmp_path / "setups.png"
    code, out, err = run(capsys, "setups", "--universe", "etfs", "--as-of", "2023-12-15", "--out", str(png),
                         "--json", "--data-dir", str(shared_data))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["universe"] == "etfs" and doc["as_of"] == "2023-12-15" and doc["chart"] == str(png)
    rows = {s["ticker"]: s for s in doc["setups"]}
    assert rows["IWM"]["status"] == "testing" and rows["IWM"]["tests"] == 4
    assert abs(rows["IWM"]["resistance"]["level"] - 200) < 2
    closest = [s["ticker"] for s in doc["setups"]][:6]
    assert "IWM" in closest and "MDY" in closest
    assert 476 < rows["MDY"]["resistance"]["zone"][0] < 500 <= rows["MDY"]["resistance"]["zone"][1] + 1
    distances = [abs(s["distance_pct"]) for s in doc["setups"]]
    assert distances == sorted(distances)
    assert "DIA" in doc["missing"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_text_table_with_a_filter(shared_data, capsys):
    code, out, err = run(capsys, "setups", "--universe", "etfs", "--status", "testing", "--as-of", "2023-12-15",
                         "--data-dir", str(shared_data))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Setups in the ETFs:") and "testing resistance" in lines[0]
    table = [line for line in lines if line[:1].isdigit()]
    assert table and all(" testing " in line or " pressing " in line for line in table)
    assert any(line.split()[1] == "IWM" and "4th test" in line for line in table)
    assert "**" not in out and "No data for" in out and lines[-1].startswith("Data as of 2023-12-15")


def test_tickers_instead_of_a_universe(shared_data, capsys):
    code, out, err = run(capsys, "setups", "--tickers", "iwm", "spy", "--as-of", "2023-12-15", "--json",
                         "--data-dir", str(shared_data))
    assert code == 0, err
    assert {s["ticker"] for s in json.loads(out)["setups"]} <= {"IWM", "SPY"}


def test_bad_status_is_a_usage_error(shared_data, capsys):
    code, _, err = run(capsys, "setups", "--status", "rocketing", "--data-dir", str(shared_data))
    assert code == 2 and "invalid choice" in err


def test_out_must_be_png(shared_data, capsys):
    code, _, err = run(capsys, "setups", "--out", "grid.jpg", "--data-dir", str(shared_data))
    assert code == 2 and ".png" in err


def test_sp500_reads_the_data_folders_universe_subfolder(shared_data, capsys, monkeypatch, tmp_path):
    """The stocks sit in ``<data>/universe/``: ``--universe sp500 --data-dir <data>`` screens them."""
    from bot.market.universes import UNIVERSES

    monkeypatch.setitem(UNIVERSES, "sp500", ("AAPL", "MSFT", "JPM"))  # three of the 503, to keep it quick
    code, out, err = run(capsys, "setups", "--universe", "sp500", "--as-of", "2024-06-28", "--json",
                         "--data-dir", str(shared_data))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["screened"] == 3 and doc["missing"] == [] and doc["as_of"] == "2024-06-28"


def test_an_empty_screen_fails_and_writes_no_picture(capsys, tmp_path, shared_data):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "SPY.csv").write_bytes((shared_data / "SPY.csv").read_bytes())  # no universe/ subfolder
    png = tmp_path / "grid.png"
    code, out, err = run(capsys, "setups", "--universe", "sp500", "--out", str(png), "--data-dir", str(folder))
    assert code == 1 and out == "" and not png.exists()
    assert err.strip() == "error: No prices for any ticker in the S&P 500: nothing to screen."
    assert "Data as of" not in err  # no day is named that no data supports


def test_nothing_matched_writes_no_empty_picture(shared_data, capsys, tmp_path):
    png = tmp_path / "grid.png"
    code, out, err = run(capsys, "setups", "--tickers", "IWM", "SPY", "QQQ", "--status", "failed", "--as-of",
                         "2023-12-15", "--out", str(png), "--data-dir", str(shared_data))
    assert code == 0, err
    assert not png.exists() and err.strip() == "No picture written: nothing to draw."
    assert out.splitlines()[0].startswith("Setups in IWM, SPY, QQQ: 0 of 3 tickers")


def test_given_tickers_name_the_screen_and_late_ends_are_said(shared_data, capsys, tmp_path):
    png = tmp_path / "grid.png"
    code, out, err = run(capsys, "setups", "--tickers", "IWM", "SPY", "XLK", "XLC", "--out", str(png),
                         "--data-dir", str(shared_data))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("Setups in IWM, SPY, XLK, XLC:") and "watchlist" not in out
    # the sector ETFs' files end a session before SPY's
    assert "Prices of XLC, XLK end on 2025-09-25, before IWM, SPY's (2025-09-26)." in lines
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, err = run(capsys, "setups", "--tickers", "IWM", "SPY", "--json", "--data-dir", str(shared_data))
    doc = json.loads(out)
    assert doc["universe"] == "tickers" and doc["tickers"] == ["IWM", "SPY"]
