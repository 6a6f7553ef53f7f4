"""A batched intraday source for the tests: each ticker's session is the synthetic 5-minute path
built from its real daily bar (bot.analysis.intraday.synthetic), cut at the round's time as a
fetch at that moment would see it (the bars that have ended). Tickers in ``missing`` have no
data (an empty frame, as Yahoo answers for a halted or unknown symbol)."""

from __future__ import annotations

import pandas as pd

from bot.analysis.intraday.synthetic import synthetic_session
from bot.market.calendar import NEW_YORK, xnys
from bot.market.yahoo_intraday import BAR, IntradayBatch


def session_of(day) -> tuple[pd.Timestamp, pd.Timestamp]:
    cal, ts = xnys(), pd.Timestamp(day)
    return cal.session_open(ts).tz_convert(NEW_YORK), cal.session_close(ts).tz_convert(NEW_YORK)


def synthetic_bars(daily: pd.DataFrame, day) -> pd.DataFrame:
    start, end = session_of(day)
    row = daily.loc[pd.Timestamp(day)]
    return synthetic_session(pd.Timestamp(day), float(row.Open), float(row.High), float(row.Low), float(row.Close),
                             float(row.Volume), start, end)


class SyntheticIntraday:
    def __init__(self, daily: dict[str, pd.DataFrame], *, missing=()):
        self.daily = daily
        self.missing = set(missing)
        self.now: pd.Timestamp | None = None  # the round's time (set by the test before each round)
        self.fetches: list[list[str]] = []

    def bars(self, ticker: str, day) -> pd.DataFrame:
        return synthetic_bars(self.daily[ticker], day)

    async def fetch(self, tickers) -> IntradayBatch:
        self.fetches.append(sorted(tickers))
        now = self.now.tz_convert(NEW_YORK)
        out = IntradayBatch()
        for t in tickers:
            if t in self.missing or t not in self.daily or pd.Timestamp(now.date()) not in self.daily[t].index:
                continue
            bars = self.bars(t, now.date())
            done = bars[bars.index + BAR <= now]
            if not done.empty:
                out.bars[t] = done
        return out
