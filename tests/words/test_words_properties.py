"""Words that never contradict their numbers, checked at every month end and every event since
2016 of the 12 ETFs and a sample of the S&P 500 stocks (all 503 with
``BREAKOUT_FULL_PROPERTIES=1``: ``BREAKOUT_FULL_PROPERTIES=1 pytest tests/words/test_words_properties.py``).

* no "-0.0%" anywhere;
* a breakout never sits under its own line without saying so ("back at the line"), and a failed
  or faded one back above the line says so;
* within one base, test counts only go up across a replay, and a test's title, sentence and
  fields name one count and one level;
* every announcement fits Discord's embed limits;
* ``history``'s table keeps its columns whatever tags a breakout carries.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pandas as pd
import pytest

from bot.analysis.base import find_base
from bot.analysis.events.outcomes import breakout_history
from bot.analysis.events.params import EngineParams
from bot.analysis.events.replay import replay
from bot.analysis.levels import levels_of_event, levels_of_result
from bot.errors import NotEnoughData
from bot.market.csvdir import read_price_csv
from bot.words.announcements import build_announcement
from bot.words.base import base_fields, base_headline
from bot.words.events import event_reason
from bot.words.history import cli_outcome_line
from bot.words.vocabulary import ordinal, price

ETFS = ("SPY", "IWM", "QQQ", "MDY", "TLT", "GLD", "XLK", "XLV", "XLP", "XLU", "XLRE", "XLC")
FROM = "2016-01-01"
FULL = bool(os.environ.get("BREAKOUT_FULL_PROPERTIES"))
STOCK_SAMPLE = 8  # every 62nd stock of the sorted folder: 8 stocks across the alphabet
NEGATIVE_ZERO = re.compile(r"-0\.0+%|−0\.0+")
# Discord's embed limits
EMBED_TOTAL, FIELD_VALUE, FIELDS = 6000, 1024, 25


def _stocks(universe_dir) -> list:
    files = sorted(universe_dir.glob("*.csv.gz"))
    return files if FULL else files[:: max(1, len(files) // STOCK_SAMPLE)][:STOCK_SAMPLE]


def _texts(*parts) -> str:
    return "\n".join(str(p) for p in parts)


def _check_events(ticker: str, daily: pd.DataFrame) -> int:
    events = replay(ticker, daily, FROM)
    counts: dict[str, tuple[int, object]] = {}
    memory = timedelta(days=EngineParams().same_test_days)
    for e in events:
        a = build_announcement(e, "key")
        fields = dict(a.fields)
        text = _texts(a.title, a.description, a.footer, event_reason(e), *(f"{n} {v}" for n, v in a.fields))
        assert not NEGATIVE_ZERO.search(text), (ticker, e.date, text)
        total = len(a.title) + len(a.description) + len(a.footer) + sum(len(n) + len(v) for n, v in a.fields)
        assert total <= EMBED_TOTAL and len(a.fields) <= FIELDS, (ticker, e.date, total)
        assert all(len(v) <= FIELD_VALUE for v in fields.values()), (ticker, e.date)
        # within the engine's test memory (a base reported within the last same_test_days) the
        # count only goes up; a base the finder reports again after longer starts over
        # (docs/algorithm.md, "Levels")
        before, when = counts.get(e.base_id, (0, None))
        if when is not None and e.date - when <= memory:
            assert e.test_count >= before, (ticker, e.date, e.base_id, e.test_count, before)
        counts[e.base_id] = (e.test_count, e.date)
        lv = levels_of_event(e)
        if e.kind == "breakout":
            # the engine's own line: a breakout close is above it, and the buy range says where it is
            assert e.close > lv.line and e.pct_beyond > 0, (ticker, e.date)
            assert fields["Breakout line"].startswith(price(lv.line))
            assert ("extended" in fields["Buy range"]) == lv.extended
            assert price(lv.invalidation) in fields["Invalidation"]
        if e.kind == "testing":
            nth = ordinal(e.test_count)
            assert nth in a.title and f"the {nth} test of {e.level:.2f}" in event_reason(e), (ticker, e.date)
            assert fields["Resistance"] == price(e.level) and fields["Tests of resistance"] == str(e.test_count)
        if e.kind in ("failed", "faded"):
            # the line it fell through is the levels' floor or stop: one rule
            assert e.level == pytest.approx(lv.floor if e.back_inside else lv.stop), (ticker, e.date)
            assert lv.fails(e.close), (ticker, e.date)
    return len(events)


def _check_month_ends(ticker: str, daily: pd.DataFrame) -> int:
    ends = daily.loc[FROM:].index.to_series().groupby(daily.loc[FROM:].index.to_period("M")).max()
    checked = 0
    for day in ends:
        try:
            r = find_base(daily, day)
        except NotEnoughData:
            continue
        fields = dict(base_fields(r))
        text = _texts(base_headline(ticker, r), *(f"{n} {v}" for n, v in fields.items()))
        assert not NEGATIVE_ZERO.search(text), (ticker, day, text)
        lv = levels_of_result(r)
        if lv is not None:
            status = fields["Status"]
            if r.status == "breakout":
                assert ("back at the line" in status) == (lv.close <= lv.line), (ticker, day, status)
            if r.status in ("failed", "faded"):
                assert ("back above the line" in status) == (lv.close > lv.line), (ticker, day, status)
            assert fields["Breakout line"].startswith(price(lv.line))
        checked += 1
    return checked


def _check_history(ticker: str, daily: pd.DataFrame) -> None:
    lines = [cli_outcome_line(o) for o in breakout_history(ticker, daily, FROM)]
    columns = {line.index(" 10 bars ") for line in lines}
    assert len(columns) <= 1, (ticker, lines)


@pytest.mark.parametrize("ticker", ETFS)
def test_etf_words_agree_with_their_numbers(load_daily, ticker):
    daily = load_daily(ticker)
    assert _check_month_ends(ticker, daily) > 0
    _check_events(ticker, daily)
    _check_history(ticker, daily)


def test_stock_words_agree_with_their_numbers(universe_dir):
    events = 0
    for path in _stocks(universe_dir):
        ticker = path.name.split(".")[0]
        daily = read_price_csv(path)
        _check_month_ends(ticker, daily)
        events += _check_events(ticker, daily)
        _check_history(ticker, daily)
    assert events > 0


def test_history_columns_hold_with_tags():
    """A breakout on volume and a second attempt: the columns after the tags stay put."""
    from datetime import date

    from bot.analysis.events.outcomes import BreakoutOutcome

    def outcome(on_volume: bool, attempt: int) -> BreakoutOutcome:
        return BreakoutOutcome("IWM", date(2024, 3, 7), 206.96, 199.26, 198.75, 205.49, "b", date(2022, 4, 11), 99.0,
                               5, attempt, on_volume, 1.6, "faded", date(2024, 4, 15), None, 1.0, -5.0, -6.0)

    lines = [cli_outcome_line(outcome(v, a)) for v in (False, True) for a in (1, 2)]
    assert len({line.index(" 10 bars ") for line in lines}) == 1, lines
