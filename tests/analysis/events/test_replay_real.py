"""Replays on real daily data (../shared/data): the seed's IWM and MDY story."""

from __future__ import annotations

from datetime import date

import pytest

from bot.analysis.events import EventEngine
from bot.analysis.events.outcomes import breakout_history
from bot.analysis.events.replay import replay
from bot.errors import BadArgument


def _in(events, kind, lo, hi):
    return [e for e in events if e.kind == kind and date.fromisoformat(lo) <= e.date <= date.fromisoformat(hi)]


@pytest.fixture(scope="module")
def iwm_events(load_daily):
    return replay("IWM", load_daily("IWM"), "2023-11-01", "2024-12-31")


def test_iwm_breaks_out_in_december_2023(iwm_events):
    assert _in(iwm_events, "breakout", "2023-12-13", "2023-12-29")


def test_iwm_breakout_fails_in_january_2024(iwm_events):
    failed = _in(iwm_events, "failed", "2024-01-02", "2024-01-31")
    assert failed
    assert failed[0].breakout_date is not None and date(2023, 12, 13) <= failed[0].breakout_date <= date(2023, 12, 29)
    assert failed[0].close < failed[0].zone_high


def test_iwm_replay_is_quiet(iwm_events):
    per_year = {y: sum(e.date.year == y for e in iwm_events) for y in (2023, 2024)}
    assert max(per_year.values()) <= 12, per_year  # no year above 12 events
    assert len({e.key for e in iwm_events}) == len(iwm_events)
    assert len({e.date for e in iwm_events}) == len(iwm_events)  # one event a day at most


def test_mdy_breaks_out_in_december_2023(load_daily):
    events = replay("MDY", load_daily("MDY"), "2023-11-01", "2024-12-31")
    assert _in(events, "breakout", "2023-12-01", "2023-12-31")


@pytest.mark.parametrize("start", ["2023-01-03", "2023-06-01"])
def test_iwm_december_breakout_found_whatever_the_start(load_daily, start):
    """The bot started in January or June 2023 announces the same December breakout and failure."""
    events = replay("IWM", load_daily("IWM"), start, "2024-01-31")
    breakout = _in(events, "breakout", "2023-12-13", "2023-12-29")
    failed = _in(events, "failed", "2024-01-02", "2024-01-31")
    assert [e.date for e in breakout] == [date(2023, 12, 26)] and breakout[0].close > breakout[0].zone_high
    assert failed and failed[0].breakout_date == breakout[0].date and failed[0].base_id == breakout[0].base_id


def test_live_daily_steps_match_replay(load_daily):
    """The scanner's way (one step per new close, state through JSON) gives the replay's events."""
    from bot.analysis.events.state import TickerState

    daily = load_daily("IWM")
    daily = daily[daily.index <= "2024-02-15"]
    engine = EventEngine()
    state = engine.warm_up("IWM", daily[daily.index < "2023-11-01"], engine.params.warm_up_bars)
    live = []
    for k in range(int(daily.index.searchsorted("2023-11-01")), len(daily)):
        state, events = engine.step(TickerState.from_json(state.to_json()), "IWM", daily.iloc[: k + 1])
        live += events
    assert live == replay("IWM", daily, "2023-11-01", "2024-02-15")


def test_iwm_history_marks_the_december_breakout_failed(load_daily):
    history = breakout_history("IWM", load_daily("IWM"), "2023-11-01", "2024-12-31")
    dec = [o for o in history if date(2023, 12, 13) <= o.date <= date(2023, 12, 29)]
    assert dec and dec[0].outcome == "failed" and dec[0].failed_date is not None
    assert dec[0].max_drawdown_pct is not None and dec[0].max_drawdown_pct < 0
    assert all(o.move_10_pct is not None and o.move_30_pct is not None for o in history)


def test_replay_rejects_reversed_span(load_daily):
    with pytest.raises(BadArgument):
        replay("IWM", load_daily("IWM"), "2024-02-01", "2024-01-01")
