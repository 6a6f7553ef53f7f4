"""One watch round over a fake fetch: crossings once per ticker, base and session; no data
skipped quietly; stale and implausible quotes not used and logged once; the pace from the bars."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from bot.analysis.intraday.profile import u_profile
from bot.analysis.intraday.quotes import DOWN, UP
from bot.market.calendar import NEW_YORK
from bot.market.yahoo_intraday import IntradayBatch
from bot.services.intraday_round import WatchMemory, WatchTarget, check_round

OPEN = pd.Timestamp("2024-07-12 09:30", tz=NEW_YORK)
CLOSE = pd.Timestamp("2024-07-12 16:00", tz=NEW_YORK)


def bars(closes, start=OPEN) -> pd.DataFrame:
    idx = pd.date_range(start, periods=len(closes), freq="5min", name="Datetime")
    c = np.asarray(closes, dtype=float)
    return pd.DataFrame({"Open": c, "High": c, "Low": c, "Close": c, "Volume": np.full(len(c), 1000.0)}, index=idx)


def at(minutes: int) -> pd.Timestamp:
    return (OPEN + pd.Timedelta(minutes=minutes)).tz_convert("UTC")


def test_crossings_once_and_bad_data_logged_once(caplog):
    caplog.set_level(logging.INFO, logger="bot.services.intraday_round")
    targets = [WatchTarget("UPX", "z1", 213.31, UP, 210.68, usual_volume=78_000),
               WatchTarget("DWN", "z2", 197.74, DOWN, 199.0),
               WatchTarget("NOD", "z3", 50.0, UP, 49.0),  # no bars at all
               WatchTarget("OLD", "z4", 10.0, UP, 9.9),  # halted an hour ago
               WatchTarget("BAD", "z5", 30.0, UP, 29.5)]  # a bad tick
    batch = IntradayBatch(bars={"UPX": bars([212.0] * 5 + [213.0, 213.1, 213.42]),
                                "DWN": bars([199.0] * 6 + [198.5, 197.5]),
                                "OLD": bars([10.5], start=OPEN), "BAD": bars([29.6] * 7 + [296.0])})
    memory = WatchMemory()
    got = check_round(targets, batch, at(40), OPEN, CLOSE, memory)  # 10:10
    assert sorted(c.ticker for c in got) == ["DWN", "UPX"]
    up = next(c for c in got if c.ticker == "UPX")
    assert up.price == 213.42 and up.quote_at == OPEN + pd.Timedelta(minutes=40)
    # 8,000 traded by 10:10 (an even 1,000 a bar): against the U shape's share of a 78,000 day by
    # then that is a slow morning; a straight line would have called it exactly usual (1.0)
    assert up.pace == pytest.approx(8000 / (u_profile(78)[7] * 78_000)) and up.pace < 0.6
    again = check_round(targets, batch, at(41), OPEN, CLOSE, memory)
    assert again == []  # once per ticker, base and session
    reasons = [r.getMessage() for r in caplog.records]
    assert sum("OLD" in m and "stale" in m for m in reasons) == 1
    assert sum("BAD" in m and "implausible" in m for m in reasons) == 1
    assert not any("NOD" in m for m in reasons)
    # a new base of the same ticker may cross again; a new session starts afresh
    moved = [WatchTarget("UPX", "z9", 213.0, UP, 210.68)]
    assert [c.ticker for c in check_round(moved, batch, at(42), OPEN, CLOSE, memory)] == ["UPX"]
    nxt = pd.Timestamp("2024-07-15 09:30", tz=NEW_YORK)
    batch2 = IntradayBatch(bars={"UPX": bars([213.5], start=nxt)})
    later = check_round(targets[:1], batch2, (nxt + pd.Timedelta(minutes=10)).tz_convert("UTC"), nxt,
                        nxt + pd.Timedelta(hours=6, minutes=30), memory)
    assert [c.session.isoformat() for c in later] == ["2024-07-15"]


def test_an_empty_fetch_is_no_crossing_and_no_log(caplog):
    caplog.set_level(logging.INFO)
    got = check_round([WatchTarget("AAA", "z", 10.0, UP, 9.9)], IntradayBatch(), at(30), OPEN, CLOSE, WatchMemory())
    assert got == [] and not [r for r in caplog.records if r.name == "bot.services.intraday_round"]


def test_at_the_line_is_not_a_crossing():
    batch = IntradayBatch(bars={"EQ": bars([100.0])})
    assert check_round([WatchTarget("EQ", "z", 100.0, UP, 99.0)], batch, at(10), OPEN, CLOSE, WatchMemory()) == []
    assert pytest.approx(100.0) == batch.quote("EQ", at(10))[0]
