"""``history``: a ticker's replay kept between requests and extended by new bars gives the events
and outcomes of a replay from scratch; a revised or split-adjusted bar replays from scratch."""

from __future__ import annotations

from datetime import date

import pytest
from fakes import FakeProvider, synthetic_daily

import bot.services.history as history_service
from bot.analysis.events import EventEngine
from bot.analysis.events.outcomes import breakout_history
from bot.analysis.events.replay import replay
from bot.market.service import MarketData
from bot.services.history import HistoryService, make_history_report, outcomes_from_memo
from bot.services.replay_memo import DATA_ONLY_KINDS, memo_of, replay_memo, replay_span, spans, usable


# ---- when a kept replay may be extended ------------------------------------------------------
@pytest.fixture(scope="module")
def synth():
    return synthetic_daily("2020-01-02", "2024-06-28", seed=11)


class _Memo:
    """A stand-in memo over ``daily`` (usable() reads only the bars and the first day)."""

    def __new__(cls, daily, anchor):
        from bot.analysis.events import TickerState
        from bot.services.replay_memo import ReplayMemo, _arrays

        dates, values = _arrays(daily)
        return ReplayMemo("SYN", anchor, TickerState("SYN"), (), dates, values)


def test_a_memo_is_extended_over_new_bars_only_while_its_bars_are_unchanged(synth):
    old = synth.iloc[:-20]
    memo = _Memo(old, date(2023, 1, 3))
    assert usable(memo, synth, date(2023, 1, 3))  # twenty new bars
    assert usable(memo, synth.iloc[100:], date(2023, 6, 1))  # a later start, a shorter look-back
    assert not usable(memo, synth, date(2022, 6, 1))  # asks for days before the memo's first
    assert not usable(memo, old.iloc[:-1], date(2023, 1, 3))  # ends before the memo's last bar
    revised = synth.copy()
    revised.iloc[-25, revised.columns.get_loc("Close")] += 0.05
    assert not usable(memo, revised, date(2023, 1, 3))
    split = synth.copy()
    split.loc[split.index < split.index[-20], ["Open", "High", "Low", "Close"]] /= 2
    assert not usable(memo, split, date(2023, 1, 3))
    missing = synth.drop(synth.index[-30])
    assert not usable(memo, missing, date(2023, 1, 3))


# ---- identical to a replay from scratch, on real data -------------------------------------------
@pytest.fixture(scope="module")
def iwm(shared_data):
    from bot.market.csvdir import read_price_csv

    return read_price_csv(shared_data / "IWM.csv")


def data_only(events):
    return [e for e in events if e.kind in DATA_ONLY_KINDS]


def test_an_extended_replay_equals_a_full_replay(iwm):
    start = date(2022, 1, 3)
    first = iwm[iwm.index <= "2023-09-29"]
    later = iwm[iwm.index <= "2024-03-28"]  # six months of new bars, IWM's late-2023 breakout and failure
    engine = EventEngine()
    memo = replay_memo(engine, "IWM", first, start, None)
    grown = replay_memo(engine, "IWM", later, start, memo)
    assert grown.anchor == start and len(grown.events) > len(memo.events)
    assert list(grown.events) == data_only(replay("IWM", later, start))  # the analysis' own replay, warm-up and all
    assert grown.state.to_json() == replay_span(EventEngine(), "IWM", later, start)[0].to_json()
    assert any(e.kind == "breakout" and e.date > date(2023, 9, 29) for e in grown.events)
    assert {e.kind for e in grown.events} >= {"breakout", "failed"}


def test_spans_replayed_apart_give_the_events_of_one_replay(iwm):
    daily = iwm[iwm.index <= "2024-06-28"]
    start = date(2021, 7, 1)
    parts = spans(daily, start, 3)
    assert len(parts) == 3 and parts[0][0] == start and parts[-1][1] is None
    results = [replay_span(EventEngine(), "IWM", daily, first, last) for first, last in parts]
    assert list(memo_of("IWM", daily, start, results).events) == data_only(replay("IWM", daily, start))


def test_history_from_a_kept_replay_equals_a_fresh_one_for_a_later_start(iwm):
    engine = EventEngine()
    kept = replay_memo(engine, "IWM", iwm[iwm.index <= "2023-06-30"], date(2021, 1, 4), None)
    now = iwm[iwm.index <= "2024-06-28"]
    start, end = date(2021, 7, 1), date(2024, 6, 28)
    memo = replay_memo(engine, "IWM", now, start, kept)
    assert memo.anchor == date(2021, 1, 4)  # extended, not replayed
    assert outcomes_from_memo(memo, now, start, end) == breakout_history("IWM", now, start, end)


async def test_the_history_command_reuses_and_extends_its_replay(iwm, monkeypatch):
    frames = {"IWM": iwm[iwm.index <= "2024-03-28"].copy()}
    market = MarketData(FakeProvider(frames))
    service = HistoryService(market)
    scratch = []
    real = history_service.replay_memo

    def counting(engine, ticker, daily, start, memo):
        scratch.append(not usable(memo, daily, start))
        return real(engine, ticker, daily, start, memo)

    monkeypatch.setattr(history_service, "replay_memo", counting)
    first = await service.recent("IWM", years=2, as_of="2024-03-28")
    again = await service.recent("IWM", years=2, as_of="2024-03-28")
    assert again == first and scratch == [True, False]
    frames["IWM"] = iwm[iwm.index <= "2024-04-30"].copy()  # a month of new bars
    grown = await service.recent("IWM", years=2, as_of="2024-04-30")
    assert scratch == [True, False, False]
    assert grown == await make_history_report(market, "IWM", years=2, as_of="2024-04-30")  # from scratch


async def test_a_replay_in_a_worker_process_gives_the_same_history(iwm):
    from bot.services.render_cache import ByteBoundedLRU
    from bot.services.render_pool import RenderPool

    market = MarketData(FakeProvider({"IWM": iwm[iwm.index <= "2024-03-28"].copy()}))
    pool = RenderPool(workers=2)
    try:
        assert await pool.warm()
        memos = ByteBoundedLRU()
        in_pool = await make_history_report(market, "IWM", years=1, as_of="2024-03-28", memos=memos, pool=pool)
        assert pool.pool_calls == 2 and memos.get("IWM") is not None  # two spans side by side
        assert in_pool == await make_history_report(market, "IWM", years=1, as_of="2024-03-28")
    finally:
        await pool.close()
