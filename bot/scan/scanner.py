"""The daily scan: advance the breakout engine for every tracked ticker and queue its events.

For the unique tickers tracked by servers with alerts on, prices are fetched once (one
batched ``histories`` call); each ticker's engine state moves forward from where it stopped,
and its new state plus one outbox row per (subscribed server, event) are written in ONE
SQLite transaction. Running the same scan twice queues nothing new: the engine has already
processed those bars, and the outbox ignores a key it holds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Protocol

import numpy as np
import pandas as pd

from bot.analysis.bars import last_date
from bot.analysis.base.params import BaseParams
from bot.analysis.events.state import TickerState
from bot.analysis.events.types import KIND_PRIORITY, Event
from bot.analysis.evidence import Evidence, MarketState
from bot.analysis.study.table import Odds
from bot.errors import DataSourceError
from bot.market.earnings import EarningsSource, earnings_for
from bot.market.frames import beyond_rounding
from bot.scan.evidence import (
    BENCHMARK,
    breakout_odds,
    event_evidence,
    market_states,
    odds_payload,
    ranks_memoised,
    with_market,
)
from bot.scan.finder_memo import FinderMemos
from bot.scan.followups import chunk_follow_ups, followup_messages, load_stories
from bot.scan.intraday_settle import settle_crossings
from bot.scan.personal import bounds_of, firings, messages_for, new_closes
from bot.store.db import Database
from bot.store.engine_states import EngineStateRepo, StateRecord
from bot.store.guilds import GuildSettingsRepo
from bot.store.outbox import NewMessage, OutboxRepo, event_key
from bot.store.personal_alerts import PersonalAlertRepo
from bot.store.scan_runs import ScanRunRepo
from bot.store.transaction import utc_now
from bot.store.watchlist import Subscription, WatchlistRepo
from bot.threads import off_loop, taking_turns
from bot.words.events import event_dict

# event key -> what its announcements carry beside it: its evidence, {market index: state}, its odds
Beside = dict[tuple[str, str, str, str], tuple[Evidence | None, dict[str, MarketState | None], Odds | None]]

log = logging.getLogger(__name__)

# The engine hands the base finder all it reads (≈ 7,900 daily bars: the major base looks
# back 30 years of weeks): fetch that many sessions in calendar days, with room for holidays.
DEFAULT_LOOKBACK_DAYS = BaseParams().history_bars("weekly") * 7 // 5 + 60
# Events older than this (calendar days before the scanned session) are not announced: after
# a long outage, a two-week-old breakout is history, not news.
DEFAULT_MAX_EVENT_AGE_DAYS = 7
# The daily digest's outbox row: one per (server, session), keyed like an event.
DIGEST_TICKER, DIGEST_BASE, DIGEST_KIND = "*", "digest", "digest"


class Engine(Protocol):
    def step(self, state: TickerState | None, ticker: str, daily: pd.DataFrame) -> tuple[TickerState, list[Event]]: ...

    def first_step(self, ticker: str, daily: pd.DataFrame) -> tuple[TickerState, list[Event]]: ...


class PriceSource(Protocol):
    async def histories(self, tickers: Sequence[str], *, start: date | None = None, end: date | None = None,
                        strict: bool = False) -> dict[str, pd.DataFrame]: ...


@dataclass
class ScanReport:
    session: date | None
    tickers: int = 0
    events: int = 0
    queued: int = 0
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    digests: int = 0  # digest posts queued (servers with the digest on)
    personal_tickers: int = 0  # tickers scanned only because members set alerts on them
    personal: int = 0  # personal alerts fired (rows queued for members)
    settled: int = 0  # replies queued to the session's intraday crossing notices


def announceable(events: Sequence[Event], *, cold_start: bool, last_bar: date, max_age_days: int) -> list[Event]:
    """The events worth posting.

    A ticker seen for the first time (``cold_start``) was stepped silently through the year
    before its newest bar (``Engine.first_step``, a replay from that bar): only events on its
    newest bar are news, a test included (the memory of the tests already reported was built by
    the warm-up, so the test is one a bot running all along announces on that day too).
    Otherwise events older than ``max_age_days`` are dropped. Of several events of one ticker
    on one day only the highest-ranked is kept (busted > failed/faded > breakout > test).
    """
    if cold_start:
        kept = [e for e in events if e.date == last_bar]
    else:
        oldest = last_bar - timedelta(days=max_age_days)
        kept = [e for e in events if e.date >= oldest]
    best: dict[date, Event] = {}
    for e in kept:
        cur = best.get(e.date)
        if cur is None or KIND_PRIORITY.get(e.kind, -1) > KIND_PRIORITY.get(cur.kind, -1):
            best[e.date] = e
    return [best[d] for d in sorted(best)]


def event_payload(event: Event) -> dict:
    """The outbox row's payload: the event's data, its sentence ("reason") and its key: the keys
    and values rows queued by older versions have, so those still deliver."""
    return {**event_dict(event), "key": event_key(*event.key)}


def announced_payload(event: Event, evidence: Evidence | None, states: dict[str, MarketState | None], odds: Odds | None,
                      index: str) -> dict:
    """:func:`event_payload` with what one server's announcement carries beside the event: the
    evidence, with the state of the server's market ``index`` (``states``: index -> state), and
    a breakout's odds (its group in the base-rate table)."""
    payload = event_payload(event)
    if evidence is not None:
        payload["evidence"] = with_market(evidence, states.get(index))
    if odds is not None:
        payload["odds"] = odds_payload(odds)
    return payload


def with_thread(payload: dict, event: Event, sub: Subscription) -> dict:
    """A breakout announcement for a server with follow-ups on opens a thread under it."""
    if event.kind == "breakout" and sub.followups:
        payload["thread"] = True
    return payload


def history_revised(daily: pd.DataFrame, closes: np.ndarray, stored: StateRecord) -> bool:
    """True when the close of the state's last bar now differs beyond cent rounding from the
    close the state was built on (a split or a vendor revision); ``closes`` is the frame's
    Close column."""
    if stored.last_date is None or stored.last_close is None:
        return False
    stamps = daily.index.values
    day = np.datetime64(stored.last_date, "D").astype(stamps.dtype)
    pos = int(np.searchsorted(stamps, day))
    if pos >= len(stamps) or stamps[pos] != day:
        return False  # that bar is not in this frame: nothing to compare
    return bool(beyond_rounding(float(stored.last_close), float(closes[pos])))


def state_record(state: TickerState, last_close: float | None) -> StateRecord:
    base = state.base
    return StateRecord(
        ticker=state.ticker,
        state_json=state.to_json(),
        last_date=date.fromisoformat(state.last_date) if state.last_date else None,
        phase=state.phase,
        level=float(base.level) if base is not None else None,
        last_close=last_close,
    )



def _since(prior: StateRecord | None) -> date | None:
    """The last day a ticker's stored engine state covers (None: its first scan)."""
    return prior.last_date if prior is not None else None

class Scanner:
    def __init__(self, db: Database, market: PriceSource, engine: Engine, *,
                 lookback_days: int = DEFAULT_LOOKBACK_DAYS, max_event_age_days: int = DEFAULT_MAX_EVENT_AGE_DAYS,
                 chunk_size: int = 32, reuse_bases: bool = True, earnings: EarningsSource | None = None,
                 followups: bool = True):
        self.db = db
        self.market = market
        self.engine = engine
        self.earnings = earnings  # next earnings dates for the announcements (None: left out)
        self.lookback_days = lookback_days
        self.max_event_age_days = max_event_age_days
        self.chunk_size = chunk_size
        self.followups = followups  # the follow-up pass (False: the scan without it, for its benchmark)
        self.watchlist = WatchlistRepo(db)
        self.states = EngineStateRepo(db)
        self.outbox = OutboxRepo(db)
        self.runs = ScanRunRepo(db)
        self.personal = PersonalAlertRepo(db)
        self._lock = asyncio.Lock()
        # the pre-filter: each ticker's base finder reuses the bases built by earlier scans
        self.memos = FinderMemos() if reuse_bases else None

    async def run(self, as_of: date | None = None) -> ScanReport:
        """Scan every tracked ticker with bars up to ``as_of`` (None = the newest data).

        Source failures (DataSourceError) propagate and no scan run is recorded, so the
        next start catches up. A ticker that fails on its own is logged and skipped.
        """
        async with self._lock:
            return await self._run(as_of)

    async def _run(self, as_of: date | None) -> ScanReport:
        t0, started = time.perf_counter(), utc_now()
        subs = await self.watchlist.subscriptions()
        # a ticker only members' personal alerts use is scanned too (and counted in the scan's cost)
        personal = set(await self.personal.tickers())  # their alerts are read a chunk at a time
        tickers = sorted(set(subs) | personal)
        report = ScanReport(session=as_of, tickers=len(tickers), personal_tickers=len(set(personal) - set(subs)))
        if tickers:
            start = (as_of or date.today()) - timedelta(days=self.lookback_days)
            # the RS line's benchmark and the servers' market indexes come in the same request
            indexes = {s.market_index for ss in subs.values() for s in ss}
            indexes |= set(await self.personal.market_indexes()) if personal else set()
            fetch = sorted(set(tickers) | {BENCHMARK} | indexes)
            frames = await self.market.histories(fetch, start=start, end=as_of)
            context = {t: frames[t] for t in ({BENCHMARK} | indexes) - set(tickers) if t in frames}
            frames = {t: df for t, df in frames.items() if t in subs or t in personal}
            # Behind the price cache a source outage arrives as cached bars marked stale, not
            # as an exception: all stale is a failed scan (not recorded, retried); a stale
            # ticker waits for the next scan instead of being advanced on old bars.
            stale = sorted(t for t, df in frames.items() if df.attrs.get("stale"))
            if stale and len(stale) == len(frames):
                raise DataSourceError("the price source failed; only cached prices are available")
            frames = {t: df for t, df in frames.items() if t not in stale}  # counted as failed below
            stored = await self.states.get_many(tickers)
            # breakouts still in their 30 sessions
            stories = await load_stories(self.outbox, tickers, as_of) if self.followups else {}
            newest: date | None = None
            ranks_memo: dict = {}  # day -> the RS ranks of the scanned tickers: one universe per scan
            for i in range(0, len(tickers), self.chunk_size):
                chunk = tickers[i : i + self.chunk_size]
                # CPU work (engine, JSON) in the lane thread, a chunk at a time; writes on the loop.
                results = await off_loop(self._advance_many, chunk, frames, stored)
                found = [e for r in results if isinstance(r, tuple) for e in r[1]]
                beside = await self._beside(found, frames, context, indexes, tickers, ranks_memo) if found else {}
                followed = (await off_loop(chunk_follow_ups, chunk, results, frames, stored, stories)
                            if any(t in stories for t in chunk) else {})
                bars = {t: new_closes(frames[t], _since(stored.get(t)))
                        for t, r in zip(chunk, results) if isinstance(r, tuple) and t in personal}
                watched = {t: bounds_of(frames[t], stored.get(t), r[1], bars[t]) for t, r in zip(chunk, results)
                           if t in bars}
                alerts = await self.personal.for_tickers(watched) if watched else {}
                mine = await self._personal(chunk, results, alerts, frames, stored, beside, bars)
                fired: list[tuple[int, str]] = []
                batch = []
                for ticker, result in zip(chunk, results):
                    if isinstance(result, str):
                        report.failed.append(ticker)
                        continue
                    if result is None:
                        continue  # nothing new since the last scan
                    record, events = result
                    messages = [
                        NewMessage(s.guild_id, s.channel_id, e.ticker, e.base_id, e.kind, e.date,
                                   with_thread(announced_payload(e, *beside.get(e.key, (None, {}, None)),
                                                                 s.market_index), e, s))
                        for e in events
                        for s in subs.get(ticker, ())
                    ]
                    messages += followup_messages(followed.get(ticker, ()), subs.get(ticker, ()))
                    if ticker in mine:
                        own, own_fired = mine[ticker]
                        messages += own
                        fired += own_fired
                        report.personal += len(own)
                    batch.append((record, messages))
                    report.events += len(events)
                    if record.last_date is not None and (newest is None or record.last_date > newest):
                        newest = record.last_date
                # the chunk's states and their announcements in one transaction: all or nothing
                # (a scan that dies redoes the chunk; the outbox's unique key keeps it exactly once)
                report.queued += await self.outbox.commit_tickers(batch, fired)
            if report.session is None:
                report.session = newest
            if report.session is not None:  # after the session's events: their verdict settles each crossing
                report.settled = await settle_crossings(self.db, frames, report.session)
                report.queued += report.settled
        if report.session is None:
            report.session = as_of or date.today()
        if tickers:
            report.digests = await self._queue_digests(report.session)
            report.queued += report.digests
        await self.runs.record(report.session, started_at=started, tickers=report.tickers, events=report.events,
                               queued=report.queued, failed_tickers=len(report.failed))
        report.seconds = time.perf_counter() - t0
        log.info("scan %s: %d tickers, %d events, %d queued, %d failed in %.2fs", report.session, report.tickers,
                 report.events, report.queued, len(report.failed), report.seconds)
        return report

    async def _beside(self, events: Sequence[Event], frames: dict[str, pd.DataFrame], context: dict[str, pd.DataFrame],
                      indexes: set[str], tickers: Sequence[str], ranks_memo: dict) -> Beside:
        """event key -> (its evidence, {index: market state}): what its announcements carry
        (``ranks_memo``: the scan's RS ranks by day, filled as the chunks need them)."""
        both = {**frames, **context}

        def work():
            days = {e.date for e in events}
            states = market_states(both, indexes | {BENCHMARK}, days)  # SPY's: the odds' market
            ranks = ranks_memoised(ranks_memo, frames, tickers, days)
            bench = both.get(BENCHMARK)
            out: Beside = {}
            for e in taking_turns(events):
                ev = event_evidence(e, frames[e.ticker], bench, ranks)
                odds = breakout_odds(e, frames[e.ticker], ev, states.get((BENCHMARK, e.date)))
                out[e.key] = (ev, {i: states.get((i, e.date)) for i in indexes}, odds)
            return out

        out = await off_loop(work)
        if self.earnings is not None:
            for e in events:
                ev, states, odds = out[e.key]
                try:
                    when, sessions = await earnings_for(self.earnings, e.ticker, e.date)
                except Exception:  # earnings are a nicety: never a reason to lose a signal (logged)
                    log.warning("earnings date of %s left out of its announcement", e.ticker, exc_info=True)
                    continue
                out[e.key] = (replace(ev, earnings=when, earnings_sessions=sessions), states, odds)
        return out

    async def _personal(self, chunk: Sequence[str], results: list, personal: dict, frames: dict[str, pd.DataFrame],
                        stored: dict[str, StateRecord], beside: Beside, bars: dict) -> dict:
        """ticker -> (its members' outbox rows, the level alerts they fire) for the chunk's
        tickers with new closes (``bars``: ticker -> its new closes): worked out in the lane thread."""
        todo = [(t, r) for t, r in zip(chunk, results) if isinstance(r, tuple) and t in personal]
        if not todo:
            return {}

        def work():
            out = {}
            for ticker, (record, events) in taking_turns(todo):
                since = _since(stored.get(ticker))
                fs = firings(personal[ticker], frames[ticker], since, events, bars[ticker])
                if fs:
                    base = TickerState.from_json(record.state_json).base
                    out[ticker] = messages_for(fs, beside=beside, base=base, event_payload=announced_payload)
            return out

        return await off_loop(work)

    async def _queue_digests(self, session: date) -> int:
        """One digest row per server with the digest on, after the session's events (so it is
        posted after them). Queued once per (server, session) whatever happens to the process."""
        targets = await GuildSettingsRepo(self.db).digest_targets()
        payload = {"kind": DIGEST_KIND, "session": session.isoformat()}
        return await self.outbox.queue([
            NewMessage(gid, cid, DIGEST_TICKER, DIGEST_BASE, DIGEST_KIND, session,
                       {**payload, "key": event_key(DIGEST_TICKER, DIGEST_BASE, DIGEST_KIND, session)})
            for gid, cid in targets])

    def _advance_many(self, tickers: Sequence[str], frames: dict[str, pd.DataFrame],
                      stored: dict[str, StateRecord]) -> list:
        """Per ticker: (record, events) to write, None when there is no new bar, or an error text."""
        out: list = []
        for ticker in taking_turns(tickers):
            daily = frames.get(ticker)
            if daily is None or daily.empty:
                out.append("no data")
                continue
            try:
                out.append(self._advance(ticker, daily, stored.get(ticker)))
            except Exception as exc:
                log.exception("scan of %s failed; its state is unchanged", ticker)
                out.append(f"{type(exc).__name__}: {exc}")
        return out

    def _advance(self, ticker: str, daily: pd.DataFrame, stored: StateRecord | None):
        prior = TickerState.from_json(stored.state_json) if stored is not None else None
        last_bar = last_date(daily)
        closes = daily["Close"].to_numpy()
        if prior is not None and stored is not None and history_revised(daily, closes, stored):
            # A split (or vendor revision) rewrote the bars the state was built on: its levels
            # are in the old prices and would read a 2-for-1 split as a collapse. Start over.
            log.info("%s: prices changed since the last scan (split?); restarting its engine state", ticker)
            prior = None
        if prior is not None and prior.last_date and date.fromisoformat(prior.last_date) >= last_bar:
            return None
        memos, engine = None, self.engine
        if self.memos is not None and FinderMemos.applies_to(self.engine):
            memos, engine = self.memos, self.memos.engine_for(self.engine, ticker, daily)
        # no usable memory (first scan, a state of an older engine that loads fresh, a revised
        # history): the ticker starts as a replay from its newest bar would, warm-up included,
        # so from here on it announces exactly what `replay` shows
        cold = prior is None or prior.last_date is None
        if cold:
            state, events = engine.first_step(ticker, daily)
        else:
            state, events = engine.step(prior, ticker, daily)
        if memos is not None:
            memos.keep(ticker, last_bar)
        events = announceable(events, cold_start=cold, last_bar=last_bar,
                              max_age_days=self.max_event_age_days)
        return state_record(state, float(closes[-1])), events
