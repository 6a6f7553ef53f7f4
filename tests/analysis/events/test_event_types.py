"""Events travel typed from the engine to the post: the outbox stores Event.to_dict() and
delivery reads it back with Event.from_dict(), also for rows queued by older versions."""

from datetime import date

from scan_fakes import make_event

from bot.analysis.events.types import Event
from bot.scan.scanner import event_payload


def test_an_event_survives_the_outbox_round_trip():
    e = make_event("IWM", "failed", date(2024, 1, 3), 194.2)
    back = Event.from_dict(event_payload(e))  # the stored form carries "reason" and "key" too
    assert back == Event.from_dict(e.to_dict())
    assert back.kind == "failed" and back.date == date(2024, 1, 3) and isinstance(back.base_start, date)
    assert back.to_dict() == e.to_dict()


def test_a_row_queued_by_an_older_version_still_reads():
    d = make_event("IWM", "testing", date(2023, 12, 14), 199.0).to_dict()
    for newer in ("test_high", "pushed_above", "bars_since_breakout", "back_inside"):
        d.pop(newer, None)
    d["reason"] = "IWM reached the resistance zone 198.75–201.99 (high 200.04) and closed back at 199.00."
    e = Event.from_dict(d)
    assert e.kind == "testing" and e.test_high is None and e.pushed_above is False
