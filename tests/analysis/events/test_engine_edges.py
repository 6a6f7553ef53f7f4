"""The event engine's own thresholds (``EngineParams``) at their edges (issue 25, part 3), over a
scripted base finder: each test sits on both sides of one threshold, with the number written out
(not read from the parameters), so moving it one step fails the test."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from events_synth import ScriptedFinder, make_daily, path, scripted_result

from bot.analysis.events import EventEngine
from bot.analysis.events.state import SeenTest, TickerState

N = 200
BREAKOUT = 150


def frame(after=((170, 104.0), (N - 1, 104.0)), volumes=None):
    closes = path([(0, 90), (60, 99.3), (100, 88), (140, 97), (BREAKOUT - 1, 97), (BREAKOUT, 103.0), *after])
    return make_daily(closes, volumes=volumes)


def d(daily, k) -> date:
    return daily.index[k].date()


def breakout_story(daily, fail_at=None):
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


def run(daily, finder, state: TickerState | None = None, first: int = 70):
    engine = EventEngine(base_finder=finder)
    state = state or TickerState(ticker="TEST")
    state.last_date = d(daily, first - 1).isoformat()
    return engine.step(state, "TEST", daily)[1]


# ---------------------------------------------------------------- the volume tag
@pytest.mark.parametrize("ratio, on", [(1.4, True), (1.39, False)])
def test_on_volume_from_1_4_times_the_average(ratio, on):
    vols = np.full(N, 1e6)
    vols[BREAKOUT] = ratio * 1e6
    daily = frame(volumes=vols)
    (b,) = [e for e in run(daily, ScriptedFinder(breakout_story(daily))) if e.kind == "breakout"]
    assert b.volume_ratio == pytest.approx(ratio) and b.on_volume is on


@pytest.mark.parametrize("bars_before, ratio", [(50, 0.75), (51, 1.5)])
def test_the_volume_average_is_of_the_50_sessions_before(bars_before, ratio):
    """A 51M session 50 bars before the breakout is in the average (2M: the 1.5M breakout is
    0.75x), 51 bars before it is not (1.5x)."""
    vols = np.full(N, 1e6)
    vols[BREAKOUT] = 1.5e6
    vols[BREAKOUT - bars_before] = 51e6
    daily = frame(volumes=vols)
    (b,) = [e for e in run(daily, ScriptedFinder(breakout_story(daily))) if e.kind == "breakout"]
    assert b.volume_ratio == pytest.approx(ratio)


# ---------------------------------------------------------------- busted: support less a buffer
@pytest.mark.parametrize("close, busted", [(83.57, True), (83.59, False)])
def test_busted_below_the_support_less_half_a_percent(close, busted):
    """The support's low is 84.00; the buffer is max(0.5 % of it, 0.25 ATR) = 0.42 here (the ATR
    of these quiet bars is ~0.7): busted under 83.58."""
    daily = frame(after=((154, 103.0), (155, 97.0), (157, 97.0), (158, close), (N - 1, close)))
    events = run(daily, ScriptedFinder(breakout_story(daily, fail_at=155)))
    assert [(e.kind, e.date) for e in events if e.kind == "busted"] == ([("busted", d(daily, 158))] if busted else [])


# ---------------------------------------------------------------- tests
def scripted_test_on(daily, k, tests, *, zone=(99.0, 100.0)):
    day = d(daily, k)
    return {day: scripted_result(day, "testing", float(daily["Close"].iloc[k]), tests=tests, zone=zone)}


@pytest.mark.parametrize("age, announced", [(5, True), (6, False)])
def test_a_test_is_news_for_5_bars(age, announced):
    daily = frame()
    k = 130
    events = run(daily, ScriptedFinder(scripted_test_on(daily, k, (d(daily, 60), d(daily, 100), d(daily, k - age)))),
                 first=k)
    assert [e.kind for e in events] == (["testing"] if announced else [])


def _year_of_events(today: date, n: int, oldest_days: int) -> list[str]:
    """``n`` event dates in the year before ``today``, the oldest ``oldest_days`` before it."""
    days = [today - timedelta(days=oldest_days)] + [today - timedelta(days=10 + 20 * i) for i in range(n - 1)]
    return sorted(x.isoformat() for x in days)


@pytest.mark.parametrize("n, oldest_days, announced", [(5, 300, True), (6, 300, False), (6, 364, False), (6, 365, True)])
def test_a_test_gives_way_after_6_events_in_365_days(n, oldest_days, announced):
    """test_budget = 6 over 365 days: with 5 events in the last year a test is announced, with 6
    it is not, unless the oldest was 365 days ago (outside the year; 364 days ago is inside)."""
    daily = frame()
    k = 130
    state = TickerState(ticker="TEST", recent_events=_year_of_events(d(daily, k), n, oldest_days))
    finder = ScriptedFinder(scripted_test_on(daily, k, (d(daily, 60), d(daily, 100), d(daily, k))))
    assert [e.kind for e in run(daily, finder, state, first=k)] == (["testing"] if announced else [])


@pytest.mark.parametrize("seen_days_ago, announced", [(90, False), (91, True)])
def test_a_test_reported_within_91_days_is_not_announced_again(seen_days_ago, announced):
    """same_test_days = 91: the finder reported a 3rd test of an overlapping zone 90 days ago (a
    recount of that test): not news; 91 days ago it is forgotten."""
    daily = frame()
    k = 130
    today = d(daily, k)
    seen = today - timedelta(days=seen_days_ago)
    state = TickerState(ticker="TEST", seen_tests=[SeenTest(seen.isoformat(), seen.isoformat(), 3, 99.2, 100.2)])
    finder = ScriptedFinder(scripted_test_on(daily, k, (d(daily, 60), d(daily, 100), today)))
    assert [e.kind for e in run(daily, finder, state, first=k)] == (["testing"] if announced else [])
