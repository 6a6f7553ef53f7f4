"""Event engine over a scripted base finder (a dict date -> BaseResult): each rule fires on
exactly the bar it must, and never again."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import numpy as np
import pytest
from events_synth import ScriptedFinder, make_daily, path, scripted_result

from bot.analysis.events import EventEngine
from bot.analysis.events.state import STATE_VERSION, TickerState
from bot.errors import NotEnoughData
from bot.words.events import event_dict, event_reason

# 200 bars: a range under 100, a jump to 103 on bar 150, then whatever the test needs
N = 200
BREAKOUT = 150


def frame(after=((170, 104.0), (N - 1, 104.0)), volumes=None):
    closes = path([(0, 90), (60, 99.3), (100, 88), (140, 97), (BREAKOUT - 1, 97), (BREAKOUT, 103.0), *after])
    return make_daily(closes, volumes=volumes)


def d(daily, k) -> date:
    return daily.index[k].date()


def script_story(daily, fail_at=None, bust_from=None):
    """in_base until the breakout; breakout status for 20 bars (or until ``fail_at``), then failed."""
    tests = (d(daily, 60), d(daily, 100))
    out = {}
    for k in range(70, len(daily)):
        day, close = d(daily, k), float(daily["Close"].iloc[k])
        if k < BREAKOUT:
            out[day] = scripted_result(day, "in_base", close, tests=tests)
        elif fail_at is not None and k >= fail_at:
            out[day] = scripted_result(day, "failed", close, tests=tests, breakout_date=d(daily, BREAKOUT),
                                       failed_date=d(daily, fail_at))
        elif k < BREAKOUT + 20:
            out[day] = scripted_result(day, "breakout", close, tests=tests, breakout_date=d(daily, BREAKOUT))
    return out


def replay_all(daily, finder, first=70):
    """A state that has seen bar ``first - 1``, then every later bar in one step."""
    engine = EventEngine(base_finder=finder)
    state = TickerState(ticker="TEST", last_date=d(daily, first - 1).isoformat())
    return engine.step(state, "TEST", daily)


def kinds(events):
    return [(e.kind, e.date) for e in events]


def test_breakout_is_announced_on_its_day_only():
    daily = frame()
    state, events = replay_all(daily, ScriptedFinder(script_story(daily)))
    assert kinds(events) == [("breakout", d(daily, BREAKOUT))]
    b = events[0]
    assert b.level == pytest.approx(99.5) and (b.zone_low, b.zone_high) == (99.0, 100.0) and b.support == 85.0
    assert b.pct_beyond == pytest.approx((103 / 99.5 - 1) * 100)
    assert b.test_count == 2 and b.attempt == 1 and "103.00" in event_reason(b)
    assert b.base_id == f"TEST:{d(daily, 60)}@100.00"  # first test and ceiling
    assert state.phase == "idle" and state.last_date == d(daily, N - 1).isoformat()


@pytest.mark.parametrize("ratio,on", [(1.5, True), (1.3, False)])
def test_breakout_volume_tag(ratio, on):
    vols = np.full(N, 1e6)
    vols[BREAKOUT] = ratio * 1e6
    daily = frame(volumes=vols)
    _, events = replay_all(daily, ScriptedFinder(script_story(daily)))
    assert events[0].volume_ratio == pytest.approx(ratio) and events[0].on_volume is on


def test_failed_on_the_failing_close_with_the_breakout_filled_in():
    daily = frame(after=((154, 103.0), (155, 97.0), (N - 1, 97.0)))
    _, events = replay_all(daily, ScriptedFinder(script_story(daily, fail_at=155)))
    assert kinds(events) == [("breakout", d(daily, BREAKOUT)), ("failed", d(daily, 155))]
    f = events[1]
    # the line it fell through: the zone's bottom less the finder's buffer (0.5 % of the 100.0 top)
    assert f.level == pytest.approx(99.0 - 0.5) and f.breakout_date == d(daily, BREAKOUT) and f.breakout_close == 103.0
    assert f.base_id == events[0].base_id and "5 bars after" in event_reason(f)
    assert f.key == ("TEST", f.base_id, "failed", d(daily, 155).isoformat())


def test_failure_by_the_stop_names_the_stop_level():
    daily = frame(after=((154, 110.0), (155, 99.6), (N - 1, 99.6)))
    daily.loc[daily.index[BREAKOUT], "Close"] = 110.0
    _, events = replay_all(daily, ScriptedFinder(script_story(daily, fail_at=155)))
    assert events[-1].kind == "failed" and events[-1].level == pytest.approx(0.92 * 110.0)
    assert not events[-1].back_inside and events[-1].bars_since_breakout == 5
    assert event_reason(events[-1]) == (f"TEST closed at 99.60, 9.5% below the {d(daily, BREAKOUT)} breakout close of "
                                        "110.00, 5 bars later.")


def test_busted_once_on_the_first_close_below_support_after_the_failure():
    daily = frame(after=((154, 103.0), (155, 97.0), (157, 97.0), (158, 80.0), (N - 1, 80.0)))
    _, events = replay_all(daily, ScriptedFinder(script_story(daily, fail_at=155)))
    assert kinds(events) == [("breakout", d(daily, BREAKOUT)), ("failed", d(daily, 155)), ("busted", d(daily, 158))]
    assert events[-1].level == 84.0 and events[-1].breakout_date == d(daily, BREAKOUT)
    assert event_reason(events[-1]) == (f"TEST closed at 80.00, below the 84.00 support after the failed "
                                        f"{d(daily, BREAKOUT)} breakout: the base is broken.")


def test_second_attempt_is_tagged():
    daily = frame()
    script = script_story(daily)
    for k in range(BREAKOUT, BREAKOUT + 20):
        day = d(daily, k)
        script[day] = scripted_result(day, "breakout", float(daily["Close"].iloc[k]), breakout_date=d(daily, BREAKOUT),
                                      attempt=2, tests=(d(daily, 60),))
    _, events = replay_all(daily, ScriptedFinder(script))
    assert events[0].attempt == 2 and "2nd attempt" in event_reason(events[0])


def test_nth_test_announced_once_per_test():
    daily = frame()
    t1, t2 = d(daily, 60), d(daily, 100)
    script = {}
    for k in range(120, 180):
        day = d(daily, k)
        tests = (t1, t2) if k < 130 else (t1, t2, d(daily, 130)) if k < 133 else (t1, t2, d(daily, 133))
        if k >= 170:  # a 4th test of the same base, a month later
            tests = (t1, t2, d(daily, 133), d(daily, 170))
        script[day] = scripted_result(day, "testing", float(daily["Close"].iloc[k]), tests=tests)
    _, events = replay_all(daily, ScriptedFinder(script), first=120)
    # two tests: nothing; the 3rd on bar 130 (moved to bar 133 by a higher high: same test); the 4th on bar 170
    assert kinds(events) == [("testing", d(daily, 130)), ("testing", d(daily, 170))]
    assert [e.test_count for e in events] == [3, 4] and "3rd test" in event_reason(events[0])


def test_an_old_test_is_not_news():
    daily = frame()
    tests = (d(daily, 60), d(daily, 100), d(daily, 110))
    script = {d(daily, k): scripted_result(d(daily, k), "testing", 98.0, tests=tests) for k in range(120, 140)}
    _, events = replay_all(daily, ScriptedFinder(script), first=120)
    assert events == []


def test_cold_start_costs_one_finder_call_and_reports_only_the_newest_bar():
    daily = frame()
    finder = ScriptedFinder(script_story(daily))
    engine = EventEngine(base_finder=finder)
    state, events = engine.step(None, "TEST", daily.iloc[: BREAKOUT + 1])
    assert finder.calls == [d(daily, BREAKOUT)]
    assert kinds(events) == [("breakout", d(daily, BREAKOUT))]
    state, events = engine.step(None, "TEST", daily.iloc[: BREAKOUT + 2])
    assert events == [] and state.phase == "breakout" and state.base.zone_high == 100.0


def test_same_breakouts_whatever_the_start():
    daily = frame(after=((154, 103.0), (155, 97.0), (157, 97.0), (158, 80.0), (N - 1, 80.0)))
    finder = ScriptedFinder(script_story(daily, fail_at=155))
    runs = []
    for first in (71, 120, 149, 150, 152):
        _, events = replay_all(daily, finder, first=first)
        runs.append([e for e in events if e.date >= d(daily, 152)])
    assert all(r == runs[0] for r in runs) and [e.kind for e in runs[0]] == ["failed", "busted"]


def test_finder_not_enough_data_means_no_event():
    daily = frame()

    def short(window, as_of=None, **kw):
        raise NotEnoughData("too short")

    state, events = replay_all(daily, short)
    assert events == [] and state.phase == "idle" and state.base is None


def test_step_by_step_with_json_equals_one_shot():
    daily = frame(after=((129, 99.5), (154, 103.0), (155, 97.0), (157, 97.0), (158, 80.0), (N - 1, 80.0)))
    script = script_story(daily, fail_at=155)
    for k in range(125, 140):  # a 3rd test before the breakout
        day = d(daily, k)
        script[day] = scripted_result(day, "testing", float(daily["Close"].iloc[k]),
                                      tests=(d(daily, 60), d(daily, 100), d(daily, 129)))
    engine = EventEngine(base_finder=ScriptedFinder(script))
    start, _ = engine.step(None, "TEST", daily.iloc[:110])
    one_state, one_shot = engine.step(start, "TEST", daily)
    st, stepped = start, []
    for k in range(111, len(daily) + 1):
        st, evs = engine.step(TickerState.from_json(st.to_json()), "TEST", daily.iloc[:k])
        stepped += evs
    assert [e.kind for e in one_shot] == ["testing", "breakout", "failed", "busted"]
    assert stepped == one_shot and st == one_state
    assert TickerState.from_json(st.to_json()) == st
    assert st.seen_tests and st.base_tests and st.recent_events and st.base is not None
    assert st.to_dict() == dataclasses.asdict(st)  # the written-out to_dict misses no field
    again, nothing = engine.step(one_state, "TEST", daily)
    assert nothing == [] and again == one_state


def test_step_does_not_mutate_the_given_state():
    daily = frame()
    engine = EventEngine(base_finder=ScriptedFinder(script_story(daily)))
    state, _ = engine.step(None, "TEST", daily.iloc[:120])
    before = state.to_json()
    engine.step(state, "TEST", daily)
    assert state.to_json() == before


def test_old_or_unknown_state_version_loads_fresh():
    old = {"ticker": "IWM", "last_date": "2024-01-02", "phase": "armed", "version": 1, "tests": ["2023-12-14"]}
    st = TickerState.from_json(json.dumps(old))
    assert st == TickerState(ticker="IWM") and st.version == STATE_VERSION


def test_event_dict_is_json_friendly():
    daily = frame(after=((154, 103.0), (155, 97.0), (N - 1, 97.0)))
    _, events = replay_all(daily, ScriptedFinder(script_story(daily, fail_at=155)))
    for e in events:
        assert "reason" not in e.to_dict()  # the engine returns data; the words say it
        out = json.loads(json.dumps(event_dict(e)))
        assert {"date", "ticker", "event", "close", "level", "reason", "attempt", "breakout_date"} <= set(out)
        assert out["event"] == e.kind and out["ticker"] == "TEST"
