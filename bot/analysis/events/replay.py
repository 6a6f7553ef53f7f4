"""Bar-by-bar replay of the event engine over history, exactly as the live scan would run."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.analysis.events import Event, EventEngine
from bot.dates import parse_date
from bot.errors import BadArgument, NotEnoughData


def parse_day(d: date | str | pd.Timestamp) -> pd.Timestamp:
    """A date, Timestamp or ISO text as a midnight Timestamp; BadArgument if it is no date."""
    if isinstance(d, str):
        d = parse_date(d)
    return pd.Timestamp(d).normalize()


def replay(
    ticker: str,
    daily: pd.DataFrame,
    start: date | str | None = None,
    end: date | str | None = None,
    engine: EventEngine | None = None,
) -> list[Event]:
    """Events the engine would have announced on each close from ``start`` to ``end``.

    The engine warms up silently on the bars before ``start`` that its test memory spans
    (breakout, failed, faded and busted depend on the data alone; the warm-up only remembers
    the tests it would have announced), then steps through ``start..end`` one bar at a time,
    never seeing a later bar. So any start gives the events a replay from the first bar gives.
    ``start=None`` replays from the first bar, ``end=None`` up to the last.
    """
    engine = engine or EventEngine()
    if daily is None or daily.empty:
        raise NotEnoughData(f"No price data for {ticker}.")
    lo = parse_day(start) if start is not None else daily.index[0]
    hi = parse_day(end) if end is not None else daily.index[-1]
    if lo > hi:
        raise BadArgument(f"The start {lo.date()} is after the end {hi.date()}.")
    before = daily[daily.index < lo]
    upto = daily[daily.index <= hi]
    if len(before):
        state = engine.warm_up(ticker, before, engine.params.warm_up_bars)
        _, events = engine.step(state, ticker, upto)
    else:  # nothing before start: every bar from the first
        _, events = engine.step(None, ticker, upto, every_bar=True)
    return [e for e in events if lo.date() <= e.date <= hi.date()]
