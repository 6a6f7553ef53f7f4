"""``python -m bot study`` end to end on the CSV data directory."""

from __future__ import annotations

import json

from bot.cli import main


def test_study_of_tickers_json(shared_data, capsys):
    rc = main(["study", "--tickers", "IWM", "MDY", "--from", "2020-01-01", "--data-dir", str(shared_data),
               "--workers", "1", "--json"])
    table = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert table["universe"] == "tickers" and table["tickers"] == 2
    assert table["command"] == "python -m bot study --tickers IWM MDY --from 2020-01-01 --split 2022-01-01"
    g = table["groups"]["all"]
    assert g["all"]["n"] == g["in"]["n"] + g["out"]["n"] > 0
    assert g["edge"]["verdict"] in ("none", "better", "worse")


def test_study_text_and_picture(shared_data, capsys, tmp_path):
    png = tmp_path / "odds.png"
    rc = main(["study", "--tickers", "IWM", "--from", "2022-01-01", "--data-dir", str(shared_data), "--workers", "1",
               "--out", str(png)])
    out = capsys.readouterr().out.splitlines()
    assert rc == 0
    assert out[0].startswith("Study of the tickers given: 1 tickers")
    assert any(line.startswith("all breakouts") for line in out)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_study_bad_input_is_one_line(shared_data, capsys, tmp_path):
    assert main(["study", "--tickers", "NOPE", "--data-dir", str(shared_data)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "NOPE" in err[0]
    assert main(["study", "--from", "2024-01-01", "--to", "2023-01-01", "--data-dir", str(shared_data)]) == 1
    assert "after" in capsys.readouterr().err


def test_check_skips_cleanly_without_data(tmp_path, capsys):
    assert main(["study", "--check", "--data-dir", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out
