"""An event's sentence is built by the words from the engine's data, and says exactly what the
engine used to say itself (golden strings captured from the engine before the move), on real
IWM data and on scripted stories; the outbox payload keeps its keys, "reason" included."""

from __future__ import annotations

import pytest

from bot.analysis.events.replay import replay
from bot.analysis.models import NoBase
from bot.scan.scanner import event_payload
from bot.words.base import no_base_words
from bot.words.events import event_dict, event_reason

IWM_2023_2024 = [
    ("2023-12-14", "testing",
     "IWM reached the resistance zone 198.75–201.99 (high 200.04) and closed back at 198.71: the 4th test of 199.26 "
     "in a 1.7-year base."),
    ("2023-12-26", "breakout",
     "IWM closed at 204.10, 2.4% above the 199.26 resistance (zone 198.75–201.99) of a 1.7-year base tested 4 times, "
     "on light volume (0.6x average). Next resistance 234.08, 14.7% above."),
    ("2024-01-03", "failed",
     "IWM closed at 194.20, back inside the base below 197.74 (the zone's bottom 198.75 less its buffer), 5 bars after "
     "the 2023-12-26 breakout at 204.10."),
    ("2024-02-12", "testing",
     "IWM reached the resistance zone 198.75–205.49 (high 203.55) and closed back at 202.96: the 5th test of 200.62 "
     "in a 1.8-year base."),
    ("2024-03-07", "breakout",
     "IWM closed at 206.96, 3.9% above the 199.26 resistance (zone 198.75–205.49) of a 1.9-year base tested 5 times, "
     "on light volume (0.7x average) (2nd attempt). Next resistance 234.08, 13.1% above."),
    ("2024-04-05", "testing",
     "IWM reached the resistance zone 209.05–212.25 (high 211.88) and closed back at 204.45: the 3rd test of 211.88 "
     "in a 2.2-year base."),
    ("2024-04-15", "faded",
     "IWM closed at 195.78, back inside the base below 197.72 (the zone's bottom 198.75 less its buffer), 26 bars after "
     "the 2024-03-07 breakout at 206.96."),
]

PAYLOAD_KEYS = ["date", "ticker", "event", "close", "level", "zone_low", "zone_high", "support", "base_id",
                "base_start", "base_weeks", "test_count", "volume_ratio", "on_volume", "pct_beyond", "attempt", "major",
                "next_resistance", "breakout_date", "breakout_close", "reason", "key"]


@pytest.fixture(scope="module")
def iwm_events(load_daily):
    return replay("IWM", load_daily("IWM"), "2023-11-01", "2024-04-30")


def test_iwm_reasons_are_the_engines_old_sentences(iwm_events):
    assert [(e.date.isoformat(), e.kind, event_reason(e)) for e in iwm_events] == IWM_2023_2024


def test_the_event_carries_what_its_sentence_needs(iwm_events):
    test, breakout, failed = iwm_events[:3]
    assert test.test_high == pytest.approx(200.04, abs=0.005) and not test.pushed_above
    assert breakout.next_resistance == pytest.approx(234.08, abs=0.005) and breakout.attempt == 1
    assert failed.back_inside and failed.bars_since_breakout == 5 and failed.breakout_close == pytest.approx(204.10)
    assert iwm_events[4].attempt == 2


def test_the_payload_keeps_its_keys_and_its_reason(iwm_events):
    for e in iwm_events:
        payload = event_payload(e)
        assert list(payload) == PAYLOAD_KEYS  # the order too: rows queued by an older version look the same
        assert payload["reason"] == event_reason(e) == event_dict(e)["reason"]
        assert "reason" not in e.to_dict()


def test_a_poke_above_the_zone_says_so(load_daily):
    events = replay("IWM", load_daily("IWM"), "2018-05-14", "2018-05-14")
    assert [event_reason(e) for e in events] == [
        "IWM pushed above the resistance zone 160.30–160.63 to 160.69 and closed back at 159.23: the 3rd test of "
        "160.47 in a 16-week base."]
    assert events[0].pushed_above and events[0].test_high > events[0].zone_high


@pytest.mark.parametrize("why,words", [
    (NoBase("too_few_bars"), "too few bars"),
    (NoBase("no_resistance"), "no resistance level found"),
    (NoBase("tested_once", price=201.994), "resistance near 201.99 was tested only once"),
    (NoBase("too_few_tests", price=244.46, tests=2), "resistance near 244.46 was tested only 2 times"),
    (NoBase("too_young", weeks=7.43), "range is only 7.4 weeks old"),
    (NoBase("too_deep", depth_pct=41.6), "range is 42% deep, too deep for a base"),
    (NoBase("closed_above", price=99.5), "price closed above 99.50 after testing it"),
    (NoBase("breaking_down"), "price is breaking down to new lows"),
])
def test_why_there_is_no_base(why, words):
    """The finder's old reasons, word for word (it now returns the rule and its numbers)."""
    assert no_base_words(why) == words
