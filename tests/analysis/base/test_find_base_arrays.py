"""find_base given the daily arrays the caller already read (the event engine's path) answers
as it does reading the frame itself, on every day of a real history; and the engine hands them
over with the whole frame, relying on find_base to read no bar after as_of."""

from __future__ import annotations

import pytest

from bot.analysis.bars.daily import DailyBars
from bot.analysis.base import FinderMemo, find_base
from bot.analysis.events import EventEngine


@pytest.mark.parametrize("ticker,timeframe", [("IWM", "weekly"), ("GLD", "weekly"), ("TLT", "daily")])
def test_the_same_answer_with_the_arrays_as_from_the_frame(load_daily, ticker, timeframe):
    daily = load_daily(ticker)
    arrays = DailyBars(daily).arrays()
    for i in range(len(daily) - 300, len(daily), 7):  # a day a week over the last ~14 months
        as_of = daily.index[i].date()
        with_arrays = find_base(daily, as_of, timeframe=timeframe, arrays=arrays)
        assert with_arrays == find_base(daily.iloc[: i + 1], timeframe=timeframe), as_of


def test_the_engine_hands_find_base_the_whole_frame_with_its_arrays(load_daily, monkeypatch):
    daily = load_daily("SPY").iloc[-400:]
    seen = []

    def spy(frame, as_of=None, **kw):
        seen.append((len(frame), as_of, kw["arrays"].day is not None, len(kw["arrays"])))
        return find_base(frame, as_of, **kw)

    import bot.analysis.events.engine as engine_module

    monkeypatch.setattr(engine_module, "find_base", spy)
    engine = EventEngine()
    state, _ = engine.step(None, "SPY", daily.iloc[:-3])
    engine.step(state, "SPY", daily)
    assert [s[1] for s in seen] == [d.date() for d in daily.index[-4:]]
    assert all(s[0] == len(daily) - 3 for s in seen[:1]) and all(s[0] == len(daily) for s in seen[1:])
    assert all(s[3] == s[0] for s in seen)


def test_arrays_of_other_bars_are_refused(load_daily):
    daily = load_daily("IWM")
    with pytest.raises(ValueError, match="must be the frame's"):
        find_base(daily, arrays=DailyBars(daily.iloc[:-1]).arrays())
    with pytest.raises(ValueError, match="default finder"):
        EventEngine(base_finder=find_base, memo=FinderMemo())
