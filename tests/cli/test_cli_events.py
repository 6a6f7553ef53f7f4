"""``python -m bot replay`` / ``history`` end to end on the CSV data directory."""

from __future__ import annotations

import json

from bot.cli import main


def test_replay_json_has_required_fields(shared_data, capsys):
    rc = main(["replay", "IWM", "--from", "2023-11-01", "--to", "2024-12-31", "--data-dir", str(shared_data), "--json"])
    out = capsys.readouterr().out
    assert rc == 0
    events = json.loads(out)
    assert isinstance(events, list) and events
    for e in events:
        assert {"date", "ticker", "event", "close", "level"} <= set(e)
        assert e["ticker"] == "IWM" and "2023-11-01" <= e["date"] <= "2024-12-31"


def test_replay_text_lists_each_event(shared_data, capsys):
    rc = main(["replay", "iwm", "--from", "2023-11-01", "--to", "2024-01-31", "--data-dir", str(shared_data)])
    out = capsys.readouterr().out.splitlines()
    assert rc == 0 and out[0].startswith("IWM:")
    assert len(out) > 1 and all("close" in line and "level" in line for line in out[1:])


def test_history_json(shared_data, capsys):
    rc = main(["history", "IWM", "--from", "2023-01-01", "--to", "2024-12-31", "--data-dir", str(shared_data), "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert rc == 0 and rows
    assert all(r["event"] == "breakout" and r["outcome"] in {"held", "failed", "faded", "busted", "pending"} for r in rows)
    # the December 2023 breakout failed; the March 2024 one faded (back inside after 26 bars)
    fates = {r["date"]: r["outcome"] for r in rows}
    assert fates["2023-12-26"] == "failed" and fates["2024-03-07"] == "faded"


def test_history_without_from_reports_all_history(shared_data, capsys):
    """`history TICKER` replays from the file's first bar: it finds the breakouts a span finds."""
    rc = main(["history", "XLC", "--data-dir", str(shared_data), "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert rc == 0 and len(rows) >= 5
    assert rows[0]["date"] < "2020-01-01"  # from the start of the file (XLC begins in 2018)


def test_bad_date_is_one_line_on_stderr(shared_data, capsys):
    rc = main(["replay", "IWM", "--from", "2023-13-45", "--data-dir", str(shared_data)])
    captured = capsys.readouterr()
    assert rc != 0
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "2023-13-45" in lines[0]


def test_unknown_ticker_is_one_line_on_stderr(shared_data, capsys):
    rc = main(["history", "NOSUCH", "--data-dir", str(shared_data)])
    captured = capsys.readouterr()
    assert rc != 0 and len(captured.err.strip().splitlines()) == 1 and "NOSUCH" in captured.err


def test_missing_from_is_a_usage_error(shared_data, capsys):
    assert main(["replay", "IWM", "--data-dir", str(shared_data)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--from" in err


def test_from_to_partly_outside_the_data_is_said_in_one_line(shared_data, capsys):
    code = main(["replay", "IWM", "--from", "1990-01-01", "--to", "2001-01-01", "--data-dir", str(shared_data)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines()[:2] == ["IWM's prices run from 2000-05-26 to 2000-12-29: replaying over that.",
                                    "IWM: 0 events from 2000-05-26 to 2000-12-29"]
    code = main(["replay", "IWM", "--from", "2025-06-01", "--to", "2026-01-01", "--json",
                 "--data-dir", str(shared_data)])
    out, err = capsys.readouterr()
    assert code == 0 and isinstance(json.loads(out), list)  # the JSON stays one document
    assert err.strip() == "IWM's prices end 2025-09-26: replaying to there."
    code = main(["history", "IWM", "--from", "1990-01-01", "--data-dir", str(shared_data)])
    out, err = capsys.readouterr()
    assert code == 0 and out.splitlines()[0] == "IWM's prices start 2000-05-26: looking from there."
    code = main(["replay", "IWM", "--from", "2024-01-01", "--to", "2024-03-01", "--data-dir", str(shared_data)])
    out, err = capsys.readouterr()
    assert code == 0 and out.startswith("IWM: 2 events from 2024-01-01 to 2024-03-01")  # inside: nothing to say


def test_replay_followups_prints_each_breakouts_thread(shared_data, capsys):
    """The issue's replay: the 2023-12-26 thread up to the failure and its summary, then the
    2024-03-07 second attempt with its own thread."""
    rc = main(["replay", "IWM", "--from", "2023-12-01", "--to", "2024-04-30", "--followups", "--data-dir",
               str(shared_data)])
    out = capsys.readouterr().out
    assert rc == 0
    first, second = out.split('thread "IWM breakout 2023-12-26":')[1].split('thread "IWM breakout 2024-03-07":')
    kinds = [line.split()[1] for line in first.splitlines() if line.startswith("  2")]
    assert kinds == ["day1", "throwback", "failed", "summary"]
    assert "fails on a close below 197.74" in first and "2024-01-03" in first
    assert "failed (failing close 2024-01-03)" in first
    assert "faded" in second and "summary" in second


def test_replay_followups_json(shared_data, capsys):
    rc = main(["replay", "IWM", "--from", "2023-12-01", "--to", "2024-01-05", "--followups", "--data-dir",
               str(shared_data), "--json"])
    rows = json.loads(capsys.readouterr().out)
    b = next(r for r in rows if r["event"] == "breakout")
    assert rc == 0 and b["thread"] == "IWM breakout 2023-12-26"
    assert [f["kind"] for f in b["followups"]] == ["day1", "throwback", "failed"]  # --to 2024-01-05: no summary yet
    assert all("followups" not in r for r in rows if r["event"] != "breakout")


def test_replay_json_carries_a_breakouts_levels(shared_data, capsys):
    code = main(["replay", "IWM", "--from", "2023-12-20", "--to", "2024-01-05", "--data-dir", str(shared_data), "--json"])
    assert code == 0
    events = {e["event"]: e for e in json.loads(capsys.readouterr().out)}
    levels = events["breakout"]["levels"]
    assert levels["breakout_line"] == 203.0 and levels["buy_range"] == [203.0, 213.15]
    assert levels["invalidation"] == 197.74 and levels["invalidation_rule"] == "zone"
    assert "levels" not in events["failed"]  # a failure has no buy range: it is the invalidation's close
