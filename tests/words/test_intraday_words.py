"""The intraday watch's sentences, both directions."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.words.intraday import crossing_notice, settled, settled_footer, skipped_line

ET = ZoneInfo("America/New_York")


def test_crossing_notice_up_and_down():
    at = datetime(2023, 12, 26, 10, 35, tzinfo=ET)
    assert crossing_notice("IWM", 201.99, 202.6, at, 1.26, True) == (
        "IWM crossing 201.99 now: 202.60 at 10:35 ET (volume pace 1.3× its usual by this time of day)")
    assert crossing_notice("IWM", 197.74, 1197.5, at, None, False) == (
        "IWM crossing below its invalidation 197.74 now: 1,197.50 at 10:35 ET (volume pace not known)")


def test_settled_both_ways():
    assert settled("confirmed", 204.1, True) == "confirmed: closed at 204.10"
    assert settled("withdrawn", 199.8, True) == "withdrawn: closed back at 199.80, inside the base"
    assert settled("confirmed", 190.0, False) == "confirmed: closed at 190.00, below the invalidation"
    assert settled("withdrawn", 199.0, False) == "withdrawn: closed back at 199.00, above the invalidation"
    assert settled_footer("withdrawn", 199.8, date(2024, 7, 12)) == "Withdrawn at the close of 2024-07-12: 199.80"


def test_skipped_line():
    assert skipped_line({}) == ""
    assert skipped_line({"stale": 3, "implausible": 1}) == "Rounds not used: 1 implausible, 3 stale"


def test_settled_not_counted():
    assert settled("withdrawn", 215.2, True, reason="not_counted", line=213.31) == (
        "withdrawn: closed at 215.20, past 213.31 but not a new breakout by the daily rules")
