"""Event engine on hand-built price paths with an injected fixed base finder: every rule of
the state machine, each with the exact bar it must fire on."""

from __future__ import annotations

import json

import numpy as np
import pytest

from bot.analysis.engine_params import EngineParams
from bot.analysis.engine_state import TickerState
from bot.analysis.events import EventEngine
from bot.errors import NotEnoughData
from events_synth import FixedFinder, make_daily, path

# A base 99-100 (support 84-86): finder tests on bars 10 and 30, live tests on bars 75 and 100,
# then a flat shelf at 97 and a one-bar jump above the zone on bar 125.
BASE = [(0, 90), (10, 99.3), (20, 88), (30, 99.3), (40, 88), (60, 88), (75, 99.3), (85, 88), (100, 99.3),
        (110, 97), (124, 97)]
BREAKOUT_BAR = 125


def scenario(after: list[tuple[int, float]], volumes=None):
    closes = path(BASE + [(BREAKOUT_BAR, 103.0)] + after)
    daily = make_daily(closes, volumes=volumes)
    d = lambda k: daily.index[k].date().isoformat()  # noqa: E731
    finder = FixedFinder(zone=(99.0, 100.0), support=(84.0, 86.0), start=d(0), tests=[d(10), d(30)], qualify_from=d(40))
    return daily, finder


ALL_BARS = EngineParams(warmup_bars=100_000)  # a fresh state processes every bar


def run(daily, finder, params=None):
    engine = EventEngine(params or ALL_BARS, base_finder=finder)
    return engine.step(None, "TEST", daily)


def kinds(events):
    return [(e.kind, e.date.isoformat()) for e in events]


def day(daily, k):
    return daily.index[k].date().isoformat()


def test_tests_then_breakout_then_held_silently():
    daily, finder = scenario([(145, 104.0)])
    state, events = run(daily, finder)
    assert kinds(events) == [
        ("testing", day(daily, 75)),
        ("testing", day(daily, 100)),
        ("breakout", day(daily, BREAKOUT_BAR)),
    ]
    t3, t4, b = events
    assert (t3.test_count, t4.test_count, b.test_count) == (3, 4, 4)
    assert b.level == pytest.approx(99.5) and b.zone_high == 100.0 and b.support == 85.0
    assert b.pct_beyond == pytest.approx((103 / 99.5 - 1) * 100)
    assert b.attempt == 1 and "103.00" in b.reason
    # held: the failure window passed, the base is retired and nothing else is announced
    assert state.phase == "idle" and state.retired_through == day(daily, BREAKOUT_BAR)


def test_close_in_buffer_is_not_a_breakout():
    closes = path(BASE + [(BREAKOUT_BAR, 100.3), (140, 100.3)])
    daily = make_daily(closes)
    _, finder = scenario([])
    finder.tests = tuple(daily.index[k].date() for k in (10, 30))
    _, events = run(daily, finder)
    # a close of 100.3 is above the zone but inside the 0.5 buffer: a 5th test, not a breakout
    assert kinds(events) == [("testing", day(daily, 75)), ("testing", day(daily, 100)),
                             ("testing", day(daily, BREAKOUT_BAR))]


@pytest.mark.parametrize("ratio,on", [(1.5, True), (1.3, False)])
def test_breakout_volume_tag(ratio, on):
    vols = np.full(160, 1e6)
    vols[BREAKOUT_BAR] = ratio * 1e6
    daily, finder = scenario([(159, 104.0)], volumes=vols)
    _, events = run(daily, finder)
    b = [e for e in events if e.kind == "breakout"][0]
    assert b.volume_ratio == pytest.approx(ratio)
    assert b.on_volume is on


def test_failed_when_back_inside_within_window():
    daily, finder = scenario([(129, 103.0), (130, 97.0), (140, 97.0)])
    _, events = run(daily, finder)
    assert kinds(events)[-2:] == [("breakout", day(daily, 125)), ("failed", day(daily, 130))]
    f = events[-1]
    assert f.level == 99.0 and f.breakout_date.isoformat() == day(daily, 125) and f.breakout_close == 103.0
    assert f.key == ("TEST", f.base_id, "failed", day(daily, 130))


def test_drop_after_window_is_not_a_failure():
    daily, finder = scenario([(137, 103.0), (138, 97.0), (150, 97.0)])
    _, events = run(daily, finder)
    assert [e.kind for e in events][-1] == "breakout"


def test_dip_into_zone_is_a_retest():
    daily, finder = scenario([(128, 103.0), (130, 99.2), (132, 99.2), (140, 104.0)])
    _, events = run(daily, finder)
    assert "failed" not in [e.kind for e in events]


def test_stop_below_breakout_close_fails_even_in_zone():
    closes = path(BASE + [(BREAKOUT_BAR, 110.0), (128, 110.0), (129, 99.6), (140, 99.6)])
    daily = make_daily(closes)
    _, finder = scenario([])
    _, events = run(daily, finder)
    f = events[-1]
    assert (f.kind, f.date.isoformat()) == ("failed", day(daily, 129))
    assert f.level == pytest.approx(0.92 * 110.0)


def test_busted_after_failure():
    daily, finder = scenario([(129, 103.0), (130, 97.0), (131, 97.0), (132, 80.0), (140, 80.0)])
    state, events = run(daily, finder)
    assert kinds(events)[-2:] == [("failed", day(daily, 130)), ("busted", day(daily, 132))]
    assert events[-1].level == 84.0
    assert state.phase == "idle" and state.base is None


def test_rearm_after_failure_gives_second_attempt():
    daily, finder = scenario([(129, 103.0), (130, 97.0), (139, 97.0), (140, 103.0), (155, 104.0)])
    _, events = run(daily, finder)
    assert kinds(events)[-3:] == [("breakout", day(daily, 125)), ("failed", day(daily, 130)),
                                  ("breakout", day(daily, 140))]
    assert events[-1].attempt == 2 and "2nd attempt" in events[-1].reason
    assert len({e.key for e in events}) == len(events)


def test_quick_recovery_after_failure_is_not_reannounced():
    # fails, then closes straight back above the trigger: no re-arm, so no second breakout
    daily, finder = scenario([(129, 103.0), (130, 97.0), (131, 103.0), (160, 104.0)])
    _, events = run(daily, finder)
    assert [e.kind for e in events][-2:] == ["breakout", "failed"]


def test_levels_frozen_after_breakout():
    daily, finder = scenario([(128, 103.0), (130, 101.0), (140, 101.0)])

    def moving(window, as_of=None, **kw):  # after the breakout the finder would report a higher base
        res = finder(window, as_of, **kw)
        if as_of is not None and as_of.isoformat() >= day(daily, BREAKOUT_BAR) and res.resistance is not None:
            from dataclasses import replace

            from bot.analysis.models import Level

            return replace(res, resistance=Level(105.5, 105.0, 106.0))
        return res

    _, events = run(daily, moving)
    assert [e.kind for e in events][-1] == "breakout"  # 101 is above the frozen 99-100 zone


def test_finder_not_enough_data_means_no_base():
    daily, _ = scenario([(140, 104.0)])

    def short(window, as_of=None, **kw):
        raise NotEnoughData("too short")

    state, events = run(daily, short)
    assert events == [] and state.phase == "idle"


def test_step_by_step_equals_one_shot_and_state_round_trips():
    daily, finder = scenario([(129, 103.0), (130, 97.0), (139, 97.0), (140, 103.0), (155, 104.0)])
    engine = EventEngine(ALL_BARS, base_finder=finder)
    state, one_shot = engine.step(None, "TEST", daily.iloc[:70])
    final_one, rest = engine.step(state, "TEST", daily)
    one_shot += rest
    stepped, st = [], state
    for k in range(71, len(daily) + 1):
        st = TickerState.from_json(st.to_json())
        st, evs = engine.step(st, "TEST", daily.iloc[:k])
        stepped += evs
    assert [e.key for e in stepped] == [e.key for e in one_shot[len(one_shot) - len(stepped):]]
    assert stepped == rest
    assert st == final_one
    assert TickerState.from_json(st.to_json()) == st
    json.loads(st.to_json())


def test_catch_up_processes_missed_days_once():
    daily, finder = scenario([(129, 103.0), (130, 97.0), (140, 97.0)])
    engine = EventEngine(ALL_BARS, base_finder=finder)
    state, _ = engine.step(None, "TEST", daily.iloc[:120])
    state2, events = engine.step(state, "TEST", daily)  # 20 missed days at once
    assert [e.kind for e in events] == ["breakout", "failed"]
    state3, again = engine.step(state2, "TEST", daily)  # same data again: nothing new
    assert again == [] and state3 == state2


def test_step_does_not_mutate_the_given_state():
    daily, finder = scenario([(140, 104.0)])
    engine = EventEngine(ALL_BARS, base_finder=finder)
    state, _ = engine.step(None, "TEST", daily.iloc[:100])
    before = state.to_json()
    engine.step(state, "TEST", daily)
    assert state.to_json() == before


def test_event_to_dict_is_json_friendly():
    daily, finder = scenario([(129, 103.0), (130, 97.0), (140, 97.0)])
    _, events = run(daily, finder)
    for e in events:
        d = json.loads(json.dumps(e.to_dict()))
        assert {"date", "ticker", "event", "close", "level", "reason"} <= set(d)
        assert d["event"] == e.kind and d["ticker"] == "TEST"
