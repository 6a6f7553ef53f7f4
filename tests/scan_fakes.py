"""Test doubles for the scan/outbox tests: a price source that counts its calls, a scripted
event engine (the real engine's step() contract), and a poster that records posts."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import numpy as np
import pandas as pd

from bot.analysis.events.state import ActiveBase, TickerState
from bot.analysis.events.types import Event
from bot.market.frames import clip
from bot.scan.delivery import ChannelForbidden, ChannelGone, DmClosed, Posted
from bot.scan.followup_delivery import FollowUpUndeliverable
from bot.scan.schedule import is_trading_day


def synthetic_daily(start: str = "2023-01-02", end: str = "2024-02-29", base: float = 100.0) -> pd.DataFrame:
    idx = pd.bdate_range(start, end, name="Date")
    close = base + np.sin(np.arange(len(idx)) / 7.0) * 3
    return pd.DataFrame(
        {"Open": close, "High": close + 1, "Low": close - 1, "Close": close, "Volume": 1e6},
        index=idx,
    )


class CountingMarket:
    """``histories`` over in-memory frames; ``calls`` records each batched request."""

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self.frames = frames
        self.calls: list[tuple[tuple[str, ...], date | None, date | None]] = []

    async def histories(self, tickers, *, start=None, end=None, strict=False):
        self.calls.append((tuple(tickers), start, end))
        out = {}
        for t in tickers:
            if t in self.frames:
                df = clip(self.frames[t], start, end)
                if not df.empty:
                    out[t] = df
        return out


def make_event(ticker: str, kind: str, d: date, close: float) -> Event:
    """An event of ``kind`` with every field its sentence needs (a failure: a breakout at 102
    a week before; a test: a high of 100.5)."""
    after_breakout = kind in ("failed", "faded", "busted")
    return Event(
        ticker=ticker, kind=kind, date=d, close=close, level=100.0, zone_low=99.0, zone_high=101.0,
        support=90.0, base_id=f"{ticker}-B1", base_start=date(2022, 8, 1), base_weeks=80.0, test_count=4,
        volume_ratio=1.6, on_volume=True, pct_beyond=(close / 100.0 - 1) * 100,
        breakout_date=d if kind == "breakout" else d - timedelta(days=7) if after_breakout else None,
        breakout_close=close if kind == "breakout" else 102.0 if after_breakout else None,
        bars_since_breakout=5 if after_breakout else None, back_inside=after_breakout and close < 99.0,
        test_high=100.5 if kind == "testing" else None,
    )


class ScriptedEngine:
    """Emits an event of ``script[(ticker, day)]`` when it processes that bar; counts steps."""

    def __init__(self, script: dict[tuple[str, date], str] | None = None, fail: set[str] = frozenset()):
        self.script = script or {}
        self.fail = set(fail)
        self.steps: list[tuple[str, str | None, int]] = []

    def first_step(self, ticker, daily):
        """As the real engine's: silently through the bars before the newest, then that bar
        (one step, recorded as ``(ticker, None, bars)``)."""
        state, events = self.step(None, ticker, daily)
        return state, [e for e in events if e.date == daily.index[-1].date()]

    def step(self, state, ticker, daily):
        if ticker in self.fail:
            raise RuntimeError(f"engine broke on {ticker}")
        state = state.copy() if state is not None else TickerState(ticker)
        new = daily if state.last_date is None else daily[daily.index > pd.Timestamp(state.last_date)]
        self.steps.append((ticker, state.last_date, len(new)))
        events = []
        for ts, close in new["Close"].items():
            kind = self.script.get((ticker, ts.date()))
            if kind:
                events.append(make_event(ticker, kind, ts.date(), float(close)))
                state.phase = "breakout" if kind == "breakout" else "failed" if kind == "failed" else state.phase
        state.base = ActiveBase(f"{ticker}-B1", "2022-08-01", 100.0, 99.0, 101.0, 90.0, 89.0, 91.0)
        if len(daily):
            state.last_date = daily.index[-1].date().isoformat()
        return state, events


class Crash(BaseException):
    """Stands for the process dying (not an Exception: nothing in the sender catches it)."""


class RecordingPoster:
    """Posts into in-memory channels. ``channels`` survives a simulated restart when the
    same dict is handed to the next poster (it is Discord's side of the world)."""

    def __init__(self, channels: dict[int, list[dict]] | None = None, *, gone=(), forbidden=(), flaky=(),
                 crash_after_post: bool = False, threads: bool = True, dms: dict[int, list[dict]] | None = None,
                 closed_dms=(), check_error: BaseException | None = None, check_hangs: bool = False):
        self.channels = channels if channels is not None else {}
        self.dms = dms if dms is not None else {}  # member id -> their DMs from the bot (Discord's side too)
        self.closed_dms = set(closed_dms)  # members whose DMs refuse the bot (403)
        self.gone, self.forbidden, self.flaky = set(gone), set(forbidden), set(flaky)
        # a breakout that asks for a thread gets one, its id the message's (as on Discord); a thread
        # id is a channel of its own here (``gone`` holds deleted threads too)
        self.threads = threads
        self.check_error = check_error  # every history check raises it
        self.check_hangs = check_hangs  # every history check waits forever
        self.crash_after_post = crash_after_post
        self.post_calls = 0
        self.find_calls = 0
        self._next_id = 1000 + sum(len(v) for v in self.channels.values())

    def posts(self, channel_id: int | None = None) -> list[dict]:
        if channel_id is not None:
            return list(self.channels.get(channel_id, []))
        return [m for msgs in self.channels.values() for m in msgs]

    def _check(self, channel_id):
        if channel_id in self.gone:
            raise ChannelGone(f"channel {channel_id} not found")
        if channel_id in self.forbidden:
            raise ChannelForbidden(f"missing Send Messages in {channel_id}")
        if channel_id in self.flaky:
            raise TimeoutError("discord timed out")

    async def post(self, channel_id, delivery):
        self.post_calls += 1
        p = delivery.personal
        if p is not None and not p.in_channel:  # a DM to the member
            if p.user_id in self.closed_dms:
                raise DmClosed(f"cannot DM member {p.user_id}")
            self._next_id += 1
            self.dms.setdefault(p.user_id, []).append({"id": self._next_id, **self._content(delivery), "key": delivery.key})
            if self.crash_after_post:
                raise Crash("process died after the DM, before marking it sent")
            return self._next_id
        self._check(channel_id)
        if p is not None:
            self._next_id += 1
            self.channels.setdefault(channel_id, []).append(
                {"id": self._next_id, **self._content(delivery), "key": delivery.key, "mention": p.user_id,
                 "fallback": p.fallback})
            if self.crash_after_post:
                raise Crash("process died after the post, before marking it sent")
            return self._next_id
        self._next_id += 1
        # kept flat for the tests: the event's data, its key and the role it pings
        self.channels.setdefault(channel_id, []).append(
            {"id": self._next_id, **self._content(delivery), "key": delivery.key, "ping_role_id": delivery.ping_role_id,
             "linked": delivery.linked})
        if self.crash_after_post:
            raise Crash("process died after the post, before marking it sent")
        if delivery.thread and self.threads:
            return Posted(self._next_id, self._next_id)
        return self._next_id

    async def post_followup(self, channel_id, delivery):
        """Into the thread (a new one when there is none and threads are allowed), else a reply."""
        self.post_calls += 1
        f = delivery.followup
        record = {"followup": f.kind, "date": f.date.isoformat(), "ticker": f.ticker, "key": delivery.key,
                  "reply_to": None}
        thread = delivery.thread_id if delivery.thread_id is not None else (
            delivery.parent_message_id if self.threads else None)
        if thread is not None and thread not in self.gone and channel_id not in self.flaky:
            target = thread
        else:
            if channel_id in self.gone or channel_id in self.forbidden:
                raise FollowUpUndeliverable(f"channel {channel_id} refused the reply")
            if channel_id in self.flaky:
                raise TimeoutError("discord timed out")
            target, thread, record["reply_to"] = channel_id, None, delivery.parent_message_id
        self._next_id += 1
        self.channels.setdefault(target, []).append({"id": self._next_id, **record})
        if self.crash_after_post:
            raise Crash("process died after the follow-up, before marking it sent")
        return Posted(self._next_id, thread)

    async def find_followup(self, channel_id, thread_id, key):
        self.find_calls += 1
        for where in (thread_id, channel_id):
            for m in self.channels.get(where, [])[-50:] if where is not None else ():
                if m.get("key") == key:
                    return m["id"]
        return None

    async def post_settlement(self, channel_id, delivery):
        """The close's reply to an intraday notice, and the notice's footer rewritten."""
        self.post_calls += 1
        self._check(channel_id)
        self._next_id += 1
        self.channels.setdefault(channel_id, []).append(
            {"id": self._next_id, **self._content(delivery), "key": delivery.key,
             "reply_to": delivery.parent_message_id, "linked": delivery.linked})
        if self.crash_after_post:
            raise Crash("process died after the reply, before marking it sent")
        await self.settle_footer(channel_id, delivery)
        return self._next_id

    async def settle_footer(self, channel_id, delivery):
        for m in self.channels.get(channel_id, []):
            if m["id"] == delivery.parent_message_id:
                m["footer"] = delivery.intraday["outcome"]

    @staticmethod
    def _content(delivery) -> dict:
        if delivery.intraday is not None:  # an intraday notice, or the close's reply to it
            i = delivery.intraday
            return {"intraday": i["kind"], "ticker": i["ticker"], "date": i["session"],
                    **{k: i[k] for k in ("price", "quote_at", "pace", "line", "outcome", "close", "reason") if k in i}}
        if delivery.event is None and delivery.firing is not None:  # a personal level or move alert
            f = delivery.firing
            return {"event": f["kind"], "date": f["date"], "close": f["close"], "level": f["level"]}
        if delivery.event is None:  # the daily digest: built by the real poster from the services
            return {"kind": "digest", "date": delivery.digest.isoformat(), "guild_id": delivery.guild_id}
        return delivery.event.to_dict()

    async def find_personal(self, delivery):
        self.find_calls += 1
        p = delivery.personal
        where = list(self.dms.get(p.user_id, [])[-50:])
        if p.channel_id is not None:
            where += self.channels.get(p.channel_id, [])[-50:]
        return next((m["id"] for m in where if m.get("key") == delivery.key), None)

    async def find_posted(self, channel_id, key):
        self.find_calls += 1
        self._check(channel_id)
        if self.check_error is not None:
            raise self.check_error
        if self.check_hangs:
            await asyncio.Event().wait()
        for m in self.channels.get(channel_id, [])[-50:]:
            if m.get("key") == key:
                return m["id"]
        return None


def write_csv_dir(directory, tickers, *, start: str = "2021-01-04", end: str = "2026-11-20"):
    """Synthetic ``<T>.csv`` files a CsvDirectoryProvider can read (no real data needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    for i, t in enumerate(tickers):
        synthetic_daily(start, end, base=50.0 + 10 * (i % 7)).to_csv(directory / f"{t}.csv")
    return directory


def sessions(first: date, last: date):
    """The NYSE sessions from ``first`` to ``last``, both included."""
    d = first
    while d <= last:
        if is_trading_day(d):
            yield d
        d += timedelta(days=1)
