"""The CLI face: JSON carries the documented fields, bad input is one line and a non-zero exit."""

import json
import subprocess
import sys

import pytest

from bot.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_base_json_has_the_documented_fields(shared_data, capsys, tmp_path):
    png = tmp_path / "iwm.png"
    code, out, err = run(capsys, "base", "IWM", "--data-dir", str(shared_data), "--as-of", "2023-12-15",
                         "--json", "--out", str(png))
    assert code == 0, err
    doc = json.loads(out)
    for key in ("ticker", "as_of", "timeframe", "status", "start", "weeks", "depth_pct", "distance_pct",
                "resistance", "support"):
        assert key in doc, key
    assert doc["ticker"] == "IWM" and doc["as_of"] == "2023-12-15" and doc["timeframe"] == "weekly"
    assert set(doc["resistance"]) >= {"level", "zone", "tests"}
    assert all(set(t) == {"date", "high"} for t in doc["resistance"]["tests"])
    assert set(doc["support"]) >= {"level", "zone"}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_base_text_summary(shared_data, capsys):
    code, out, err = run(capsys, "base", "$iwm", "--data-dir", str(shared_data), "--as-of", "2023-12-15")
    assert code == 0, err
    assert out.startswith("IWM")
    assert "Resistance:" in out and "Support:" in out and "Data as of 2023-12-15" in out


def test_compare_json(shared_data, capsys):
    code, out, err = run(capsys, "compare", "IWM", "SPY", "--period", "ytd", "--as-of", "2023-12-14",
                         "--data-dir", str(shared_data), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["period"] == "ytd" and doc["start"] == "2022-12-30" and doc["end"] == "2023-12-14"
    assert doc["returns"]["SPY"] == pytest.approx(23.42, abs=0.01)
    assert doc["ratio"] == pytest.approx(1.1397 / 1.2342, abs=1e-3)


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["base", "???"], "not a ticker"),
        (["base", "ZZZZQ"], "No price data"),
        (["base", "IWM", "--as-of", "2023-13-45"], "not a date"),
        (["compare", "IWM", "SPY", "--period", "10y"], "not a period"),
        (["compare", "IWM"], "at least 2"),
        (["compare", "A", "B", "C", "D", "E", "F", "G"], "At most 6"),
        (["base", "IWM", "--as-of", "1990-01-05"], "IWM's prices run from 2000-05-26 to 2025-09-26"),
    ],
)
def test_bad_input_is_one_line_and_non_zero(shared_data, capsys, argv, needle):
    code, out, err = run(capsys, *argv, "--data-dir", str(shared_data))
    assert code != 0
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_unwritable_out_is_one_line(shared_data, capsys, tmp_path):
    code, out, err = run(capsys, "base", "IWM", "--data-dir", str(shared_data), "--as-of", "2023-12-15",
                         "--out", str(tmp_path / "no" / "such" / "dir" / "x.png"))
    assert code != 0 and err.startswith("error: Cannot write the chart") and len(err.strip().splitlines()) == 1


def test_module_entry_point_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "bot", "base", "IWM", "--data-dir", str(tmp_path / "missing")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert len(proc.stderr.strip().splitlines()) == 1 and "does not exist" in proc.stderr


def test_chart_text_json_and_png(shared_data, capsys, tmp_path):
    png = tmp_path / "qqq.png"
    code, out, err = run(capsys, "chart", "qqq", "--timeframe", "weekly", "--period", "2y", "--as-of", "2023-12-15",
                         "--data-dir", str(shared_data), "--out", str(png))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("QQQ · weekly · 2Y:") and lines[1] == "Data as of 2023-12-15 (csv)"
    assert lines[2] == f"Chart written to {png}"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, err = run(capsys, "chart", "QQQ", "--as-of", "2023-12-15", "--data-dir", str(shared_data), "--json")
    assert code == 0, err
    assert json.loads(out) == {"ticker": "QQQ", "timeframe": "daily", "period": "1y", "data_date": "2023-12-15",
                               "stale": False}


def test_chart_bad_period_is_one_line(shared_data, capsys):
    code, out, err = run(capsys, "chart", "QQQ", "--period", "9y", "--data-dir", str(shared_data))
    assert code == 2 and "not a period" in err and len(err.strip().splitlines()) == 1


def test_perf_says_which_tickers_end_earlier(shared_data, capsys):
    code, out, err = run(capsys, "perf", "SPY", "XLK", "XLC", "--data-dir", str(shared_data))
    assert code == 0, err
    lines = out.splitlines()
    assert lines[-2:] == ["Prices of XLC, XLK end on 2025-09-25, before SPY's (2025-09-26).",
                          "Data as of 2025-09-25 (csv)"]
    code, out, err = run(capsys, "perf", "SPY", "QQQ", "--data-dir", str(shared_data))
    assert "end on" not in out  # one last day: nothing to say
