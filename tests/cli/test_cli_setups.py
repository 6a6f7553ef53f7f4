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
