"""The live scan against `replay` on real data (issue 25): shared by the property test
(tests/scan/test_scan_replay_parity.py, a sample) and benchmarks/scan_parity.py (the whole
period).

A *case* is a session (a month end) on which servers start watching some tickers: the scanner
starts cold that day, then scans day by day for ``SESSIONS`` sessions, through the real
``Scanner`` (engine, finder memos, stored engine states, announceable, outbox) on a real store.
What it queues for the server from the first session after the cold start on must equal, kind
for kind, level for level (and base for base), what ``replay(ticker, file, first, last)`` gives
for the same days. With ``restart_after`` the scanner is stopped after that many sessions and a
new one (new process: no finder memos, a new Database) goes on from the stored engine states.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from bot.analysis.events import EventEngine
from bot.analysis.events.replay import replay
from bot.market.csvdir import read_price_csv
from bot.scan.scanner import DIGEST_KIND, Scanner
from bot.store.db import Database
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import OutboxRepo
from bot.store.watchlist import DEFAULT_WATCHLIST, WatchlistRepo

ETFS = ("SPY", "IWM", "QQQ", "MDY", "TLT", "GLD", "XLK", "XLV", "XLP", "XLU", "XLRE", "XLC")
SESSIONS = 20  # scanned day by day after the cold start
GUILD, CHANNEL = 1, 100
MIN_BARS = 300  # a ticker with less history by the cold start is left out of a case

Announcement = tuple[str, str, float, str]  # (date, kind, level, base_id)


def stock_sample(universe_dir: Path, n: int) -> list[str]:
    """``n`` stocks spread evenly over the universe's alphabetical list (deterministic)."""
    names = sorted(p.name[: -len(".csv.gz")] for p in universe_dir.glob("*.csv.gz"))
    if n >= len(names):
        return names
    return [names[i * len(names) // n] for i in range(n)]


def load_frames(shared_data: Path, tickers: Sequence[str]) -> dict[str, pd.DataFrame]:
    out = {}
    for t in tickers:
        path = shared_data / f"{t}.csv" if t in ETFS else shared_data / "universe" / f"{t}.csv.gz"
        out[t] = read_price_csv(path)
    return out


def month_ends(calendar: pd.DatetimeIndex, first_year: int = 2016, last_year: int = 2025) -> list[date]:
    """The last session of each month of ``first_year..last_year`` that has ``SESSIONS`` more
    sessions after it in ``calendar``."""
    days = pd.Series(calendar, index=calendar)
    days = days[(days.index.year >= first_year) & (days.index.year <= last_year)]
    ends = days.groupby([days.index.year, days.index.month]).max()
    pos = {d: i for i, d in enumerate(calendar)}
    return [d.date() for d in ends if pos[d] + SESSIONS < len(calendar)]


def sessions_after(calendar: pd.DatetimeIndex, day: date, n: int = SESSIONS) -> list[date]:
    i = int(calendar.searchsorted(pd.Timestamp(day), side="right"))
    return [d.date() for d in calendar[i : i + n]]


def eligible(frames: dict[str, pd.DataFrame], tickers: Sequence[str], day: date) -> list[str]:
    """The tickers with enough history by ``day`` (XLC starts in 2018, XLRE in 2015)."""
    return [t for t in tickers if int((frames[t].index <= pd.Timestamp(day)).sum()) >= MIN_BARS]


class FrameSource:
    """The scanner's price source over frames in memory: the bars of [start, end], as the
    market service serves them from its cache."""

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self.frames = frames

    async def histories(self, tickers, *, start=None, end=None, strict=False):
        out = {}
        for t in tickers:
            df = self.frames[t]
            lo = pd.Timestamp(start) if start is not None else df.index[0]
            hi = pd.Timestamp(end) if end is not None else df.index[-1]
            out[t] = df.loc[(df.index >= lo) & (df.index <= hi)]
        return out


@dataclass
class CaseResult:
    cold_day: date
    days: list[date]
    live: dict[str, list[Announcement]]
    replayed: dict[str, list[Announcement]]

    def mismatches(self) -> dict[str, tuple[list[Announcement], list[Announcement]]]:
        return {t: (self.live.get(t, []), self.replayed[t]) for t in self.replayed
                if self.live.get(t, []) != self.replayed[t]}

    @property
    def events(self) -> int:
        return sum(len(v) for v in self.replayed.values())


def sqlite_store(path: Path) -> Callable[[], Awaitable[Database]]:
    """``open_db`` for a SQLite file."""

    async def open_db() -> Database:
        return await Database(path).open()

    return open_db


def _announcement(date_iso: str, kind: str, level: float, base_id: str) -> Announcement:
    return (date_iso, kind, round(float(level), 2), base_id)


async def _watch(db: Database, tickers: Sequence[str]) -> None:
    guilds, watch = GuildSettingsRepo(db), WatchlistRepo(db, limit=10_000)
    await guilds.set_channel(GUILD, CHANNEL)
    await watch.remove(GUILD, [t for t in DEFAULT_WATCHLIST if t not in tickers])
    await watch.add(GUILD, tickers)


async def live_announcements(open_db: Callable[[], Awaitable[Database]], frames: dict[str, pd.DataFrame],
                             tickers: Sequence[str], cold_day: date, days: Sequence[date], *,
                             restart_after: int | None = None) -> dict[str, list[Announcement]]:
    """What the scanner queues for the server on ``days`` after a cold start on ``cold_day``.
    ``open_db`` opens a new Database on one store (each call: another process's connection)."""
    source = FrameSource(frames)
    db = await open_db()
    try:
        await _watch(db, tickers)
        scanner = Scanner(db, source, EventEngine())
        await scanner.run(as_of=cold_day)
        for k, d in enumerate(days):
            if restart_after is not None and k == restart_after:
                await db.close()
                db = await open_db()  # a restart: the stored engine states, no finder memos
                scanner = Scanner(db, source, EventEngine())
            await scanner.run(as_of=d)
        rows = await OutboxRepo(db).rows()
    finally:
        await db.close()
    return _rows_announcements(rows, tickers, cold_day)


def _rows_announcements(rows, tickers: Sequence[str], cold_day: date) -> dict[str, list[Announcement]]:
    out: dict[str, list[Announcement]] = {t: [] for t in tickers}
    for r in rows:
        if r.kind == DIGEST_KIND or r.is_followup or r.bar_date <= cold_day:
            continue  # announcements only (a breakout's follow-ups: tests/scan/test_followups_live.py)
        assert r.guild_id == GUILD and r.channel_id == CHANNEL
        out[r.ticker].append(_announcement(r.bar_date.isoformat(), r.kind, r.payload["level"], r.base_id))
    for v in out.values():
        v.sort()
    return out


async def forked_sqlite_run(path: Path, frames: dict[str, pd.DataFrame], tickers: Sequence[str], cold_day: date,
                            days: Sequence[date], restart_after: int) -> tuple[dict, dict]:
    """Two live runs for the price of one and a half (benchmarks/scan_parity.py): the scanner
    runs through ``days``, and a copy of its SQLite store taken after ``restart_after`` sessions
    is run on by a new scanner (a restart from the stored states). Returns (plain, restarted)."""
    source = FrameSource(frames)
    copy = path.with_name(path.stem + "-restart.sqlite3")
    async with Database(path) as db:
        await _watch(db, tickers)
        scanner = Scanner(db, source, EventEngine())
        await scanner.run(as_of=cold_day)
        for k, d in enumerate(days):
            if k == restart_after:
                with sqlite3.connect(path) as src, sqlite3.connect(copy) as dst:
                    src.backup(dst)
            await scanner.run(as_of=d)
        plain = _rows_announcements(await OutboxRepo(db).rows(), tickers, cold_day)
    async with Database(copy) as db:
        scanner = Scanner(db, source, EventEngine())
        for d in days[restart_after:]:
            await scanner.run(as_of=d)
        restarted = _rows_announcements(await OutboxRepo(db).rows(), tickers, cold_day)
    return plain, restarted


def replayed_announcements(frames: dict[str, pd.DataFrame], tickers: Sequence[str],
                           days: Sequence[date]) -> dict[str, list[Announcement]]:
    """``replay --from days[0] --to days[-1]`` of each ticker, on its whole file."""
    out = {}
    for t in tickers:
        events = replay(t, frames[t], days[0], days[-1], EventEngine())
        out[t] = sorted(_announcement(e.date.isoformat(), e.kind, e.to_dict()["level"], e.base_id) for e in events)
    return out


async def run_case(open_db: Callable[[], Awaitable[Database]], frames: dict[str, pd.DataFrame],
                   tickers: Sequence[str], cold_day: date, calendar: pd.DatetimeIndex, *,
                   restart_after: int | None = None) -> CaseResult:
    days = sessions_after(calendar, cold_day)
    tickers = eligible(frames, tickers, cold_day)
    live = await live_announcements(open_db, frames, tickers, cold_day, days, restart_after=restart_after)
    return CaseResult(cold_day, days, live, replayed_announcements(frames, tickers, days))
