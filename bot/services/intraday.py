"""The intraday watch's offline twin: what the watch would have posted for one ticker on one
session, and how the close settled it (the CLI's ``intraday``).

The line is the base's as of the previous session's close (``bot.analysis.intraday.targets``).
The 5-minute bars come from ``<TICKER>.5m.csv`` in the data folder when it has that session;
otherwise they are built from the day's daily bar by the synthetic-session generator
(``bot.analysis.intraday.synthetic``), and the report says which. The volume pace is measured
against the ticker's own 5-minute profile when the file holds 20 full sessions before the day,
else against the documented U shape, with the mean of the last 20 daily volumes as the usual day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from bot.analysis.base.finder import find_base
from bot.analysis.intraday.profile import PROFILE_SESSIONS, own_profile
from bot.analysis.intraday.quotes import UP
from bot.analysis.intraday.session import SessionWatch, watch_session
from bot.analysis.intraday.synthetic import synthetic_session
from bot.analysis.intraday.targets import Target, target_of, verdict_at_close
from bot.errors import BadArgument, NotEnoughData
from bot.market.bounds import not_in_future
from bot.market.calendar import NEW_YORK, is_session, xnys
from bot.market.intraday_file import bars_of_day, intraday_path, read_intraday_csv
from bot.market.service import MarketData
from bot.threads import off_loop
from bot.tickers import normalize_ticker
from bot.words import intraday as words


@dataclass(frozen=True)
class IntradayDay:
    ticker: str
    session: date
    target: Target | None  # None: no base at the previous close
    watch: SessionWatch | None  # None: not on the watch (no base, or too far from its line)
    from_file: bool  # the 5-minute bars came from <TICKER>.5m.csv (else: synthetic)
    own_profile: bool  # the pace was measured against the ticker's own profile (else the U shape)

    def lines(self) -> list[str]:
        """The report, as the CLI prints it: what was watched, what was posted, how it settled."""
        t, w = self.target, self.watch
        if t is None:
            return [words.no_base_line(self.ticker, self.session)]
        up = t.direction == UP
        if w is None:
            return [words.not_watched_line(self.ticker, self.session, t.line, t.prev_close, t.gap_pct, up)]
        out = [words.watching_line(self.ticker, self.session, t.status, t.line, t.prev_close, t.gap_pct, up),
               words.bars_source_line(self.ticker, self.from_file)]
        if w.crossing is None:
            out.append(words.no_crossing_line(t.line, w.rounds, up))
        else:
            c = w.crossing
            out.append("Posted: " + words.crossing_notice(self.ticker, c.line, c.price, c.quote_at, c.pace, up))
            if w.settlement is not None:
                s = w.settlement
                out.append("At the close: " + words.settled(s.outcome, s.close, up, reason=s.reason, line=t.line))
        skipped = words.skipped_line(w.skipped)
        return out + ([skipped] if skipped else [])

    def to_dict(self) -> dict:
        t, w = self.target, self.watch
        posted = []
        if t is not None and w is not None and w.crossing is not None:
            c, up = w.crossing, t.direction == UP
            posted.append(words.crossing_notice(self.ticker, c.line, c.price, c.quote_at, c.pace, up))
            if w.settlement is not None:
                s = w.settlement
                posted.append(words.settled(s.outcome, s.close, up, reason=s.reason, line=t.line))
        return {
            "ticker": self.ticker,
            "session": self.session.isoformat(),
            "status": None if t is None else t.status,
            "levels": None if t is None else t.levels.to_dict(),
            "line": None if t is None else round(t.line, 2),
            "direction": None if t is None else ("up" if t.direction == UP else "down"),
            "gap_pct": None if t is None else round(t.gap_pct, 2),
            "watched": w is not None,
            "bars": "file" if self.from_file else "synthetic",
            "volume_profile": "own" if self.own_profile else "u_shape",
            "watch": None if w is None else w.to_dict(),
            "posted": posted,
        }


def _session_bounds(day: date) -> tuple[pd.Timestamp, pd.Timestamp]:
    cal, ts = xnys(), pd.Timestamp(day)
    return cal.session_open(ts).tz_convert(NEW_YORK), cal.session_close(ts).tz_convert(NEW_YORK)


def replay_day(ticker: str, daily: pd.DataFrame, day: date, intraday: pd.DataFrame | None) -> IntradayDay:
    """The watch over ``day`` (blocking: run it off the loop). ``daily``: the ticker's daily bars
    through ``day``; ``intraday``: its 5-minute bars (any days), or None."""
    upto = daily.loc[: pd.Timestamp(day)]
    if upto.empty or upto.index[-1].date() != day:
        raise BadArgument(f"No daily bar for {ticker} on {day.isoformat()} in the data.")
    if len(upto) < 2:
        raise NotEnoughData(f"No session before {day.isoformat()} for {ticker}: no line to watch.")
    before = upto.iloc[:-1]
    target = target_of(ticker, find_base(before))
    if target is None or not target.watched:
        return IntradayDay(ticker, day, target, None, False, False)
    start, end = _session_bounds(day)
    bars = bars_of_day(intraday, day) if intraday is not None else None
    from_file = bars is not None and not bars.empty
    if bars is None or bars.empty:  # (not from the file)
        row = upto.iloc[-1]
        bars = synthetic_session(pd.Timestamp(day), float(row.Open), float(row.High), float(row.Low),
                                 float(row.Close), float(row.Volume if pd.notna(row.Volume) else 0.0), start, end)
    profile = None
    if intraday is not None:
        profile = own_profile(intraday[intraday.index < start])
    mean_volume = before["Volume"].tail(PROFILE_SESSIONS).mean()
    usual = float(mean_volume) if pd.notna(mean_volume) and mean_volume > 0 else None
    verdict = verdict_at_close(target, find_base(upto), day)  # the daily scan's own rule at the close
    watch = watch_session(ticker, bars, target.line, target.direction, target.prev_close, start, end,
                          profile=profile, usual_volume=usual, verdict=verdict)
    return IntradayDay(ticker, day, target, watch, from_file, profile is not None)


class IntradayService:
    def __init__(self, market: MarketData):
        self.market = market

    def _intraday_file(self, ticker: str) -> pd.DataFrame | None:
        directory = getattr(self.market.provider, "directory", None)
        path = intraday_path(directory, ticker) if directory is not None else None
        return read_intraday_csv(path) if path is not None else None

    async def replay(self, ticker: str, day: date) -> IntradayDay:
        ticker = normalize_ticker(ticker)
        not_in_future(day, self.market.today())
        if not is_session(day):
            raise BadArgument(f"{day.isoformat()} is not a NYSE trading session.")
        daily = await self.market.history(ticker, end=day)
        intraday = await off_loop(self._intraday_file, ticker)
        return await off_loop(replay_day, ticker, daily, day, intraday)
