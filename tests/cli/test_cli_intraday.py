"""``python -m bot intraday`` end to end: the intraday watch's offline twin on real daily data,
with synthetic 5-minute sessions or a ``<T>.5m.csv`` beside the daily file."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from bot.analysis.intraday.synthetic import synthetic_session
from bot.cli import main
from bot.market.calendar import NEW_YORK, xnys


def _run(capsys, *argv):
    rc = main(["intraday", *argv])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_iwm_2023_12_26_crossing_and_confirmed(shared_data, capsys):
    rc, out, _ = _run(capsys, "IWM", "--date", "2023-12-26", "--data-dir", str(shared_data))
    lines = out.splitlines()
    assert rc == 0
    assert lines[0].startswith("IWM on 2023-12-26: watching the breakout line 203.00 (last close 201.48")
    assert "synthetic" in lines[1]
    assert lines[2].startswith("Posted: IWM crossing 203.00 now: 203.") and " ET (volume pace " in lines[2]
    assert lines[3] == "At the close: confirmed: closed at 204.10"


def test_iwm_2024_07_12_withdrawn_json(shared_data, capsys):
    rc, out, _ = _run(capsys, "IWM", "--date", "2024-07-12", "--data-dir", str(shared_data), "--json")
    doc = json.loads(out)
    assert rc == 0 and doc["watched"] and doc["direction"] == "up" and doc["line"] == 213.31
    assert doc["levels"]["breakout_line"] == 213.31  # the same levels as the announcements
    assert doc["watch"]["settlement"] == {"outcome": "withdrawn", "close": 213.14, "reason": "inside"}
    assert doc["posted"][1] == "withdrawn: closed back at 213.14, inside the base"


def test_not_a_session_and_not_watched(shared_data, capsys):
    rc, _, err = _run(capsys, "IWM", "--date", "2023-12-25", "--data-dir", str(shared_data))
    assert rc != 0 and err.strip() == "error: 2023-12-25 is not a NYSE trading session."
    rc, out, _ = _run(capsys, "IWM", "--date", "2023-06-01", "--data-dir", str(shared_data))
    assert rc == 0 and "not on the watch" in out and "13.2% below the breakout line 200.26" in out


def _folder(tmp_path, shared_data):
    (tmp_path / "IWM.csv").symlink_to(shared_data / "IWM.csv")
    return tmp_path


def _bars(daily: pd.DataFrame, day: str) -> pd.DataFrame:
    cal, ts = xnys(), pd.Timestamp(day)
    row = daily.loc[day]
    return synthetic_session(ts, row.Open, row.High, row.Low, row.Close, row.Volume,
                             cal.session_open(ts).tz_convert(NEW_YORK), cal.session_close(ts).tz_convert(NEW_YORK))


def test_a_5m_file_is_read_and_its_own_profile_used(tmp_path, shared_data, load_daily, capsys):
    """A 5m file with 20 sessions before the day: the bars are the file's, the pace its own; a
    file whose day stays under the line posts nothing."""
    daily = load_daily("IWM")
    folder = _folder(tmp_path, shared_data)
    days = [d.date().isoformat() for d in daily.loc["2023-11-22":"2023-12-26"].index]
    frames = [_bars(daily, d) for d in days]
    # the file's 2023-12-26 never trades above 202.90: no crossing, whatever the daily bar says
    last = frames[-1].copy()
    for col in ("Open", "High", "Low", "Close"):
        last[col] = last[col].clip(upper=202.90)
    frames[-1] = last
    pd.concat(frames).to_csv(folder / "IWM.5m.csv", index_label="Datetime")
    rc, out, _ = _run(capsys, "IWM", "--date", "2023-12-26", "--data-dir", str(folder), "--json")
    doc = json.loads(out)
    assert rc == 0 and doc["bars"] == "file" and doc["volume_profile"] == "own"
    assert doc["watch"]["crossing"] is None and doc["posted"] == []
    frames[-1] = _bars(daily, "2023-12-26")
    pd.concat(frames).to_csv(folder / "IWM.5m.csv", index_label="Datetime")
    rc, out, _ = _run(capsys, "IWM", "--date", "2023-12-26", "--data-dir", str(folder), "--json")
    doc = json.loads(out)
    assert doc["bars"] == "file" and doc["watch"]["settlement"]["outcome"] == "confirmed"
    assert doc["watch"]["crossing"]["volume_pace"] is not None


def test_a_naive_time_is_new_york_time(tmp_path, shared_data, load_daily, capsys):
    daily = load_daily("IWM")
    folder = _folder(tmp_path, shared_data)
    bars = _bars(daily, "2024-07-12")
    bars.index = bars.index.tz_localize(None)
    bars.to_csv(folder / "IWM.5m.csv", index_label="Datetime")
    rc, out, _ = _run(capsys, "IWM", "--date", "2024-07-12", "--data-dir", str(folder), "--json")
    doc = json.loads(out)
    assert rc == 0 and doc["bars"] == "file"
    assert doc["watch"]["crossing"]["quote_at"].startswith("2024-07-12T") and doc["watch"]["crossing"][
        "quote_at"].endswith("-04:00")
    assert doc["watch"]["settlement"]["outcome"] == "withdrawn"


@pytest.mark.parametrize("text", ["Datetime,Open\n2024-07-12 09:30,1\n", "Datetime,Open,High,Low,Close,Volume\nx,1,1,1,1,1\n"])
def test_a_bad_5m_file_is_one_line(tmp_path, shared_data, capsys, text):
    folder = _folder(tmp_path, shared_data)
    (folder / "IWM.5m.csv").write_text(text)
    rc, out, err = _run(capsys, "IWM", "--date", "2024-07-12", "--data-dir", str(folder))
    assert rc != 0 and out == "" and len(err.strip().splitlines()) == 1 and "IWM.5m.csv" in err
