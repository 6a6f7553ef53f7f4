from datetime import date

from scan_fakes import make_event

from bot.analysis.events.types import Event
from bot.scan.scanner import event_payload
from bot.words.announcements import build_announcement
from bot.words.vocabulary import ordinal


def payload(kind, **changes):
    """An announcement as delivered: the event through the outbox's stored form and back."""
    e = make_event("IWM", kind, date(2023, 12, 14), 203.0)
    d = event_payload(e)
    d.update(changes)
    return d


def announce(kind, **changes):
    d = payload(kind, **changes)
    return build_announcement(Event.from_dict(d), d["key"])


def test_breakout_title_fields_and_footer():
    a = announce("breakout")
    assert a.title == "IWM breaks out of its 1.5-year base"  # 80 weeks: from 78 weeks on, years
    fields = dict(a.fields)
    assert fields["Resistance"] == "100.00" and fields["Close"] == "203.00"
    assert fields["Beyond level"] == "+103.0%"
    assert fields["Volume"] == "1.60× 50-day avg — on volume"
    assert fields["Tests of resistance"] == "4"
    assert "2023-12-14" in a.footer and "IWM|IWM-B1|breakout|2023-12-14" in a.footer
    assert a.key == "IWM|IWM-B1|breakout|2023-12-14"


def test_failed_testing_busted_titles():
    assert announce("failed").title == "IWM breakout fails — back inside the base"
    assert announce("testing").title == "IWM tests resistance for the 4th time"
    assert "busted" in announce("busted").title
    assert announce("breakout", attempt=2).title.endswith("(2nd attempt)")


def test_failed_shows_change_since_breakout():
    a = announce("failed", close=190.0, breakout_close=205.0, breakout_date="2023-12-14")
    assert dict(a.fields)["Since breakout"].startswith("-7.3%")


def test_no_volume_field_without_ratio():
    a = announce("breakout", volume_ratio=None, on_volume=False)
    assert "Volume" not in dict(a.fields)


def test_ordinals():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]
