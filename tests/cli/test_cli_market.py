"""`python -m bot market`: the state as text or JSON, the chart to a file, bad input one line."""

import json

from bot.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_market_text_and_chart(shared_data, capsys, tmp_path):
    png = tmp_path / "m.png"
    code, out, err = run(capsys, "market", "--data-dir", str(shared_data), "--as-of", "2020-04-03", "--out", str(png))
    assert code == 0, err
    assert out.startswith("Market (SPY): in correction\n")
    assert "Rally attempt: day 9." in out and "Data as of 2020-04-03 (csv)" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_market_json(shared_data, capsys):
    code, out, err = run(capsys, "market", "--index", "qqq", "--data-dir", str(shared_data), "--as-of", "2023-12-26",
                         "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["index"] == "QQQ" and doc["as_of"] == "2023-12-26" and doc["state"] in ("uptrend", "under_pressure")
    assert all(d <= "2023-12-26" for d in doc["distribution_days"])
    assert doc["lines"] and "chart" not in doc


def test_market_bad_index_is_one_line(capsys):
    code, out, err = run(capsys, "market", "--index", "DIA")
    assert code == 2 and err.strip() == "error: argument --index: the market index is one of SPY, QQQ, IWM (got 'DIA')."
