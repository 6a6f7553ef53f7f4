"""Signals a trader can trust, checked on every relevant day of real data (../shared/data).

* Nothing reported is left unannounced: every breakout ``find_base(as_of=D)`` reports with
  ``breakout_date == D`` (nearest or major base) is announced on D.
* Replaying from a file's first bar gives the events of a replay from any later start.
* Boxes hold: no daily close above the zone top + buffer between a base's first full week and
  its first test; every test's high lies in the zone; a close above the zone is not a test.
* Tests are announced once each, with numbers that only go up per base, in words that match
  the numbers.
* No alert storms: one event a ticker a day, no year above 12, no breakout -> failed ->
  breakout inside 7 sessions.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import pytest
from events_synth import CachedFinder

from bot.analysis.base import find_base
from bot.analysis.base.params import BaseParams
from bot.analysis.events import EventEngine
from bot.analysis.events.replay import replay
from bot.words.base import base_fields
from bot.words.events import event_reason
from bot.words.vocabulary import zone as zone_words

TICKERS = ["IWM", "MDY", "XLK", "XLU"]
SPAN = ("2021-01-04", "2024-12-31")
BUF = BaseParams().buffer_pct


@pytest.fixture(scope="module")
def replays(load_daily):
    """ticker -> (daily, engine with its cached finder, events of the span)."""
    out = {}
    for t in TICKERS:
        daily = load_daily(t)
        daily = daily[daily.index <= SPAN[1]]
        engine = EventEngine(base_finder=CachedFinder())
        out[t] = (daily, engine, replay(t, daily, SPAN[0], SPAN[1], engine))
    return out


def _bases(r):
    return [b for b in (r, r.major) if b is not None and b.has_base]


@pytest.mark.parametrize("ticker", TICKERS)
def test_every_reported_breakout_is_announced_that_day(replays, ticker):
    daily, engine, events = replays[ticker]
    announced = {e.date for e in events if e.kind == "breakout"}
    window = engine.params.finder_window_bars()  # all find_base reads: same answer as the whole file
    reported = set()
    for i in range(int(daily.index.searchsorted(SPAN[0])), len(daily)):
        d = daily.index[i].date()
        r = engine.base_finder(daily.iloc[max(0, i + 1 - window) : i + 1], d, timeframe="weekly")
        reported |= {d for b in _bases(r) if b.status == "breakout" and b.breakout_date == d}
    assert reported, "the span has breakouts to check"
    assert sorted(reported - announced) == []
    assert sorted(announced - reported) == []  # and nothing is announced that it does not report
    spot = sorted(reported)[len(reported) // 2]  # the cache holds what find_base on the whole file says
    assert any(b.breakout_date == spot for b in _bases(find_base(daily, spot)))


def test_replay_from_the_first_bar_equals_a_later_start(load_daily):
    daily = load_daily("MDY")
    daily = daily[(daily.index >= "2019-01-02") & (daily.index <= "2023-06-30")]  # "a file"
    engine = EventEngine(base_finder=CachedFinder())
    from_first = replay("MDY", daily, None, None, engine)
    later = replay("MDY", daily, "2021-06-01", None, engine)
    assert from_first, "a replay from the first bar finds events"
    assert [e for e in from_first if e.date >= date(2021, 6, 1)] == later


@pytest.mark.parametrize("ticker", ["IWM", "MDY", "SPY", "QQQ", "XLK", "XLV", "XLP", "XLU", "GLD", "TLT"])
def test_boxes_hold_at_every_month_end(load_daily, ticker):
    daily = load_daily(ticker)
    span = daily.loc["2016-01-01":"2025-12-31"]
    month_ends = span.groupby([span.index.year, span.index.month]).tail(1).index
    checked = 0
    for ts in month_ends:
        r = find_base(daily, ts.date())
        for b in _bases(r):
            res = b.resistance
            assert res.zone_low <= res.zone_high
            first_week_end = pd.Timestamp(b.start) + pd.Timedelta(days=(4 - b.start.weekday()) % 7)
            inside = daily.loc[(daily.index > first_week_end) & (daily.index < pd.Timestamp(b.tests[0].date)), "Close"]
            assert not (inside > res.zone_high * (1 + BUF)).any(), (ts.date(), b.scale, b.start, res)
            # every completed test topped out in the zone; the newest may poke above it
            assert all(t.high >= res.zone_low - 1e-9 for t in b.tests), (ts.date(), b.tests, res)
            assert all(t.high <= res.zone_high + 1e-9 for t in b.tests[:-1]), (ts.date(), b.tests, res)
            if b.status == "testing":
                assert b.last_close <= res.zone_high  # a close above the zone is not a test
            if b.status == "pressing":
                assert res.zone_high < b.last_close <= res.zone_high * (1 + BUF)
            # a zone of no width is said as one level
            words = " ".join(v for _, v in base_fields(b))
            assert "–".join([f"{res.zone_high:,.2f}"] * 2) not in words
            checked += 1
    assert checked > 30


def test_zone_words_name_one_level_when_the_zone_has_no_width():
    assert zone_words(244.98, 244.98) == "level 244.98"
    assert zone_words(244.976, 244.984) == "level 244.98"
    assert zone_words(198.75, 201.99) == "zone 198.75–201.99"


@pytest.mark.parametrize("ticker", TICKERS)
def test_tests_are_announced_once_with_numbers_that_only_go_up(replays, ticker):
    daily, engine, events = replays[ticker]
    tests = [e for e in events if e.kind == "testing"]
    assert len({(e.base_id, e.test_count) for e in tests}) == len(tests)  # one announcement per test
    last_n: dict[str, int] = {}
    for e in tests:
        assert e.test_count > last_n.get(e.base_id, 0), (e.date, e.base_id, e.test_count)
        last_n[e.base_id] = e.test_count
        assert e.close <= e.zone_high  # a close above the zone is not a test
        # the words say the numbers: the test's high is in (or, a poke, above) the zone
        reason = event_reason(e)
        high = float(reason.split("(high ")[1].split(")")[0]) if "(high " in reason else None
        if high is not None:
            assert e.zone_low <= high <= e.zone_high, reason
            assert not e.pushed_above and high == round(e.test_high, 2)
        else:
            assert "pushed above the resistance" in reason and e.pushed_above, reason


@pytest.mark.parametrize("ticker", TICKERS)
def test_no_alert_storms(replays, ticker):
    daily, engine, events = replays[ticker]
    assert len({e.date for e in events}) == len(events)  # one event a day
    per_year = Counter(e.date.year for e in events)
    assert max(per_year.values()) <= 12, per_year
    pos = {ts.date(): k for k, ts in enumerate(daily.index)}
    seq = [(pos[e.date], e.kind) for e in events if e.kind in ("breakout", "failed")]
    flips = [a for a, b, c in zip(seq, seq[1:], seq[2:])
             if (a[1], b[1], c[1]) == ("breakout", "failed", "breakout") and c[0] - a[0] <= 7]
    assert flips == []


@pytest.mark.parametrize("ticker", TICKERS)
def test_titles_charts_and_reasons_share_one_base_length(replays, ticker):
    """The breakout title, its reason and the chart of the same base say the same length."""
    from bot.analysis.events import base_id_of
    from bot.words.announcements import build_announcement
    from bot.words.charts import base_subtitle
    from bot.words.vocabulary import span

    daily, engine, events = replays[ticker]
    checked = 0
    for e in events:
        if e.kind != "breakout":
            continue
        r = find_base(daily, e.date)
        b = next(b for b in _bases(r) if base_id_of(ticker, b) == e.base_id)
        assert e.base_weeks == b.weeks
        title = build_announcement(e).title
        reason = event_reason(e)
        assert span(b.weeks) in title and span(b.weeks) in reason, (title, reason)
        assert f"{b.weeks:.0f} weeks" in base_subtitle(b, True)
        checked += 1
    assert checked


def test_sharing_bases_between_days_changes_no_event(replays, load_daily):
    """The engine's memo (bases built through a day, reused on later days of one replay) is a
    speed-up only: the events equal those of a finder that builds everything afresh."""
    daily, _, events = replays["MDY"]
    shared = replay("MDY", daily, SPAN[0], SPAN[1], EventEngine())  # the default engine shares
    assert shared == events
