"""The intraday watch: during the regular session, a round every few minutes over the tickers
worth watching, their quotes checked against their lines, each crossing queued once.

* **When.** Rounds run during the NYSE regular session (exchange_calendars: holidays are not
  sessions, half days close at 13:00), every ``every_minutes`` (5 by default,
  ``BREAKOUT_INTRADAY_EVERY``, never faster than 1) from the open, the last at the close.
* **One watcher.** Of the bot's processes, the one holding the ``intraday`` lease runs the
  rounds (renewed each round, so a watcher that dies is replaced within two rounds, at once
  when it is known to be gone); the others skip them. Each process posts its own shards' rows.
* **Which tickers.** Tracked by a server with alerts and the intraday notices on, with a base in
  the engine's state: a base not broken out within 3 % below its breakout line, a standing
  breakout within 3 % above its invalidation; and members' level alerts ("above"/"below")
  within 3 % of their level. Measured from the last close.
* **The fetch** goes to the batched intraday source (:class:`bot.market.yahoo_intraday.YahooIntraday`
  in production: one request per ≤ 50 tickers, time-bounded, in daemon threads); the check runs
  in the lane thread (:func:`bot.services.intraday_round.check_round`: stale, implausible and
  missing quotes are not used, logged once).
* **Exactly once.** A crossing is recorded with its notices (one outbox row per server) in one
  transaction, once per ticker, base and session (:class:`bot.store.intraday_crossings.CrossingRepo`);
  a watcher restarted mid-session reads the session's crossings back first. A member's level
  alert crossed intraday is queued through the personal-alert path and marked fired in the same
  transaction, so the daily close does not fire it a second time.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol, cast

import numpy as np
import pandas as pd

from bot.analysis.events.state import TickerState
from bot.analysis.intraday.profile import BAR_MINUTES, PROFILE_SESSIONS
from bot.analysis.intraday.quotes import DOWN, UP, near
from bot.analysis.intraday.session import DEFAULT_EVERY_MINUTES, MIN_EVERY_MINUTES, Crossing
from bot.analysis.intraday.targets import WITHIN_PCT
from bot.analysis.levels import levels_of
from bot.market.calendar import NEW_YORK, xnys
from bot.market.yahoo_intraday import IntradayBatch
from bot.services.intraday_round import WatchMemory, WatchTarget, check_round
from bot.store.db import Database
from bot.store.engine_states import EngineStateRepo
from bot.store.intraday_crossings import NOTICE_KIND, CrossingRecord, CrossingRepo
from bot.store.leases import LeaseRepo
from bot.store.outbox import NewMessage, event_key
from bot.store.personal_alerts import VIA_CHANNEL, PersonalAlertRepo
from bot.store.watchlist import WatchlistRepo
from bot.threads import off_loop, taking_turns

log = logging.getLogger(__name__)

LEASE = "intraday"
PERSONAL_BASE = "alert{id}@{user}"  # the base id of a member's level alert (as the daily scan keys it)


class IntradaySource(Protocol):
    async def fetch(self, tickers) -> IntradayBatch: ...


class DailySource(Protocol):
    async def histories(self, tickers, *, start=None, end=None, strict=False) -> dict[str, pd.DataFrame]: ...


def every_minutes(value: float | int | None) -> int:
    """The round interval in whole minutes: the default when not given, never under 1."""
    if value is None:
        return DEFAULT_EVERY_MINUTES
    return max(MIN_EVERY_MINUTES, int(value))


def session_bounds(now: datetime) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The regular session's open and close (New York time) when ``now`` falls on a session day
    between its open and its close; None otherwise (weekends, holidays, before the open, after
    the close). Half days close early (exchange_calendars)."""
    ts = pd.Timestamp(now)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    cal = xnys()
    day = pd.Timestamp(ts.tz_convert(NEW_YORK).date())
    if not cal.is_session(day):
        return None
    start, end = cal.session_open(day), cal.session_close(day)
    if not start <= ts <= end:
        return None
    return start.tz_convert(NEW_YORK), end.tz_convert(NEW_YORK)


def next_round(now: datetime, every: int) -> datetime:
    """The first round strictly after ``now``: the open + k × ``every`` minutes (k ≥ 1), at most the
    close, of this session or the next one (UTC, aware)."""
    ts = pd.Timestamp(now)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    cal = xnys()
    day = cal.date_to_session(pd.Timestamp(ts.tz_convert(NEW_YORK).date()), direction="next")
    for _ in range(10):
        start, end = cal.session_open(day), cal.session_close(day)
        step = pd.Timedelta(minutes=every)
        if ts < end:
            k = max(1, int((ts - start) // step) + 1)
            return min(start + k * step, end).to_pydatetime()
        day = cal.next_session(day)
    raise RuntimeError(f"no session after {now}")


@dataclass(frozen=True)
class Watched:
    """One line on the watch: a base's (``servers``: where its notice goes) or a member's level alert."""

    target: WatchTarget
    zone_low: float | None = None
    zone_high: float | None = None
    breakout_close: float | None = None
    servers: tuple[tuple[int, int, str], ...] = ()  # (guild id, channel id, market index)
    alert: tuple | None = None  # (PersonalAlert, Target) of a member's level alert


@dataclass
class RoundReport:
    session: date
    ran: bool = True  # False: another process holds the watch
    watched: int = 0
    fetched: int = 0
    crossings: list[Crossing] = field(default_factory=list)
    queued: int = 0  # outbox rows queued (notices and members' alerts)


def bars_payload(bars: pd.DataFrame | None, until: pd.Timestamp) -> dict:
    """The day's 5-minute bars ended by ``until`` as plain lists (the notice's chart is drawn
    from them by whichever process posts it)."""
    if bars is None or bars.empty:
        return {"t": [], "o": [], "h": [], "l": [], "c": [], "v": []}
    done = bars[cast(pd.DatetimeIndex, bars.index) + pd.Timedelta(minutes=BAR_MINUTES) <= until]
    if done.empty:
        done = bars.iloc[:1]

    def col(name):
        return [round(float(x), 4) for x in np.nan_to_num(done[name].to_numpy(dtype=float))]

    return {"t": [t.isoformat() for t in done.index], "o": col("Open"), "h": col("High"), "l": col("Low"),
            "c": col("Close"), "v": col("Volume")}


def notice_payload(c: Crossing, w: Watched, bars: pd.DataFrame | None, key: str) -> dict:
    return {"kind": NOTICE_KIND, "ticker": c.ticker, "base_id": w.target.base, "session": c.session.isoformat(),
            "line": c.line, "direction": "up" if c.direction == UP else "down", "price": c.price,
            "quote_at": c.quote_at.isoformat(), "pace": c.pace, "prev_close": w.target.prev_close,
            "zone_low": w.zone_low, "zone_high": w.zone_high, "breakout_close": w.breakout_close,
            "bars": bars_payload(bars, c.quote_at), "key": key}


def personal_payload(c: Crossing, w: Watched, key: str) -> dict:
    """What the daily scan's level firing carries (bot.scan.personal.messages_for), with the
    quote's own time: the member's alert fired on a price during the session, not a close."""
    if w.alert is None:
        raise ValueError(f"{c.ticker}: a crossing of a line without a member's alert")
    alert, target = w.alert
    via_channel = target.via == VIA_CHANNEL and target.channel_id is not None
    section = {"alert_id": alert.id, "user_id": alert.user_id, "via": "channel" if via_channel else "dm",
               "channel_id": target.channel_id, "text": alert.text, "once": alert.once, "alert_kind": alert.kind,
               "level": alert.level}
    payload = {"kind": alert.kind, "ticker": alert.ticker, "date": c.session.isoformat(), "close": c.price,
               "level": alert.level, "change": None, "at": c.quote_at.isoformat(), "personal": section, "key": key}
    if w.zone_low is not None and w.zone_high is not None:
        payload["base"] = {"zone_low": w.zone_low, "zone_high": w.zone_high, "level": w.zone_high}
    return payload


def prepare(c: Crossing, w: Watched, bars: pd.DataFrame | None) -> tuple:
    """(the crossing's record or None, its outbox rows, the level alerts it fires) for one
    crossing: a base's notices, one per server; or a member's level alert, by their chosen way."""
    t = w.target
    if w.alert is not None:  # a member's level alert: their DM, through the personal path
        alert, where = w.alert
        key = event_key(alert.ticker, t.base, alert.kind, c.session)
        via_channel = where.via == VIA_CHANNEL and where.channel_id is not None
        message = NewMessage(alert.guild_id, where.channel_id if via_channel else 0, alert.ticker, t.base,
                             alert.kind, c.session, personal_payload(c, w, key), user_id=alert.user_id)
        return None, [message], [(alert.id, c.session.isoformat())]
    key = event_key(t.ticker, t.base, NOTICE_KIND, c.session)
    payload = notice_payload(c, w, bars, key)
    messages = [NewMessage(gid, cid, t.ticker, t.base, NOTICE_KIND, c.session, payload) for gid, cid, _ in w.servers]
    record = CrossingRecord(t.ticker, t.base, c.session, c.direction, c.line, c.price, c.quote_at.isoformat(), c.pace)
    return record, messages, []


def parse_lines(states: dict, breakouts: dict, session: date, tickers: list[str]) -> dict[str, tuple | None]:
    """What each ticker's engine state says as of its last close before ``session`` (None: no
    close before it to measure from)."""
    out: dict[str, tuple | None] = {}
    for ticker in tickers:
        record = states.get(ticker)
        if record is None or record.last_close is None or record.last_date is None or record.last_date >= session:
            out[ticker] = None
            continue
        state = TickerState.from_json(record.state_json)
        base = state.base
        broke = breakouts.get((ticker, base.base_id)) if base is not None and state.phase == "breakout" else None
        out[ticker] = (state.phase, base, float(record.last_close), broke)
    return out


def plan_watch(lines: dict[str, tuple], tracked: dict, levels: dict, within_pct: float) -> list[Watched]:
    """The lines within ``within_pct`` % of the last close: each tracked base's (its breakout line
    from below, a standing breakout's invalidation from above) and each member's level alert not
    yet past at the last close."""
    out: list[Watched] = []
    for ticker, (phase, base, prev, broke) in lines.items():
        if ticker in tracked and base is not None:
            lv = levels_of(base.zone_low, base.zone_high, prev, breakout_close=broke)
            direction = DOWN if phase == "breakout" else UP
            line = lv.invalidation if direction == DOWN else lv.line
            if near(np.array([prev]), np.array([line]), np.array([direction]), within_pct)[0]:
                out.append(Watched(WatchTarget(ticker, base.base_id, float(line), direction, prev),
                                   base.zone_low, base.zone_high, broke, tracked[ticker]))
        for alert, target in levels.get(ticker, ()):
            direction = UP if alert.kind == "above" else DOWN
            if not near(np.array([prev]), np.array([alert.level]), np.array([direction]), within_pct)[0]:
                continue
            if (prev > alert.level) if direction == UP else (prev < alert.level):
                continue  # already past at the last close: the daily scan's to fire
            name = PERSONAL_BASE.format(id=alert.id, user=alert.user_id)
            out.append(Watched(WatchTarget(ticker, name, float(alert.level), direction, prev),
                               base.zone_low if base else None, base.zone_high if base else None,
                               alert=(alert, target)))
    return out


class IntradayWatch:
    """The watch over one store; ``prices``: the batched intraday source; ``daily``: daily bars for
    the usual volume (None: no volume pace)."""

    def __init__(self, db: Database, prices: IntradaySource, *, daily: DailySource | None = None,
                 every: int | None = None, holder: str | None = None, within_pct: float = WITHIN_PCT):
        self.db = db
        self.prices = prices
        self.daily = daily
        self.every = every_minutes(every)
        self.holder = holder or db.holder or f"pid{os.getpid()}"
        self.within_pct = within_pct
        self.crossings = CrossingRepo(db)
        self.memory = WatchMemory()
        self._usual: dict[tuple[str, date], float | None] = {}
        self._lines_session: date | None = None
        self._lines_of: dict[str, tuple | None] = {}
        self._candidates: list[str] = []

    @property
    def lease_seconds(self) -> float:
        return 2 * 60.0 * self.every + 60.0

    async def round(self, now: datetime) -> RoundReport | None:
        """One round at ``now`` (None outside the regular session)."""
        bounds = session_bounds(now)
        if bounds is None:
            return None
        start, end = bounds
        session = start.date()
        report = RoundReport(session)
        if not await LeaseRepo(self.db).acquire(LEASE, self.holder, self.lease_seconds):
            report.ran = False
            return report
        if self.memory.session != session:  # a new session, or a watcher restarted mid-session
            self.memory.start(session)
            self.memory.crossed |= {(c.ticker, c.base_id) for c in await self.crossings.of_session(session)}
        watched = await self.watched(session)
        report.watched = len(watched)
        if not watched:
            return report
        tickers = sorted({w.target.ticker for w in watched})
        batch = await self.prices.fetch(tickers)
        report.fetched = len(batch.bars)
        usual = await self._usual_volumes(tickers, session)
        targets = []
        for w in watched:
            volume = usual.get(w.target.ticker)
            targets.append(w.target if volume is None else _with_usual(w.target, volume))
        now_ts = pd.Timestamp(now)
        now_ts = now_ts.tz_localize("UTC") if now_ts.tzinfo is None else now_ts.tz_convert("UTC")
        crossed = await off_loop(check_round, targets, batch, now_ts, start, end, self.memory)
        by_line: dict[tuple, list[Watched]] = {}
        for w in watched:
            by_line.setdefault((w.target.ticker, float(w.target.line), w.target.direction), []).append(w)
        todo = [(c, w, batch.bars.get(c.ticker)) for c in crossed
                for w in by_line.get((c.ticker, float(c.line), c.direction), ())]
        prepared = await off_loop(lambda: [prepare(c, w, bars) for c, w, bars in taking_turns(todo)]) if todo else []
        try:
            news = await self.crossings.record_many(prepared)
        except BaseException:
            for c, w, _ in todo:
                self.memory.crossed.discard((c.ticker, w.target.base))  # the next round tries again
            raise
        for (c, w, _), (_, messages, _), new in zip(todo, prepared, news):
            if new:
                report.queued += len(messages)
                log.info("intraday: %s crossed %s %.2f at %.2f (%s); %d rows queued", c.ticker,
                         "the level" if w.alert is not None else "its line", c.line, c.price, c.quote_at,
                         len(messages))
        report.crossings.extend(crossed)
        return report

    async def watched(self, session: date) -> list[Watched]:
        """The lines worth watching this round (see the module's words). The engine's states change
        only at the daily scan: they are read and parsed once a session, which names the tickers
        whose base line is near; each round then reads which opted-in servers track those, and the
        members' level alerts near their level (the database picks both). The planning runs in
        the lane thread."""
        lines, candidates = await self._session_lines(session)
        tracked = await WatchlistRepo(self.db).intraday_subscriptions(candidates) if candidates else {}
        levels = await PersonalAlertRepo(self.db).levels_near(self.within_pct)
        todo = {t: lines[t] for t in set(tracked) | set(levels) if lines.get(t) is not None}
        return await off_loop(plan_watch, todo, tracked, levels, self.within_pct) if todo else []

    async def _session_lines(self, session: date) -> tuple[dict[str, tuple | None], list[str]]:
        """Every ticker's (phase, base, last close, breakout close) as of its last close before
        ``session``, and the tickers whose base line is within reach: read and parsed once a
        session (parsed in the lane thread)."""
        if self._lines_session != session:
            states = await EngineStateRepo(self.db).all()
            breakouts = await self._breakout_closes([t for t, s in states.items() if s.phase == "breakout"])
            lines = await off_loop(parse_lines, states, breakouts, session, sorted(states))
            candidates = await off_loop(lambda: [w.target.ticker for w in plan_watch(
                {t: v for t, v in lines.items() if v is not None}, {t: () for t in lines}, {}, self.within_pct)])
            self._lines_session, self._lines_of, self._candidates = session, lines, candidates
        return self._lines_of, self._candidates

    async def _breakout_closes(self, tickers: list[str]) -> dict[tuple[str, str], float]:
        """(ticker, base id) -> the close of its latest breakout announcement (the 8 % rule's anchor)."""
        if not tickers:
            return {}
        from bot.store.outbox import OutboxRepo

        out = {}
        for row in await OutboxRepo(self.db).stories(tickers, date.min):
            if row.kind == "breakout" and row.payload.get("close") is not None:
                out[(row.ticker, row.base_id)] = float(row.payload["close"])
        return out

    async def _usual_volumes(self, tickers: list[str], session: date) -> dict[str, float | None]:
        """The mean daily volume of the last 20 sessions before ``session`` (once per session)."""
        todo = [t for t in tickers if (t, session) not in self._usual]
        if todo and self.daily is not None:
            try:
                frames = await self.daily.histories(todo, start=session - timedelta(days=45),
                                                    end=session - timedelta(days=1))
            except Exception as exc:  # the pace is a nicety: never a reason to miss a crossing
                log.warning("intraday: usual volumes not read (%s: %s); no volume pace this round",
                            type(exc).__name__, exc)
                return {t: self._usual.get((t, session)) for t in tickers}
            for t in todo:
                df = frames.get(t)
                vol = df["Volume"].tail(PROFILE_SESSIONS).mean() if df is not None and not df.empty else None
                self._usual[(t, session)] = float(vol) if vol is not None and pd.notna(vol) and vol > 0 else None
        return {t: self._usual.get((t, session)) for t in tickers}


def _with_usual(t: WatchTarget, usual: float) -> WatchTarget:
    from dataclasses import replace

    return replace(t, usual_volume=usual)


def _draw_notice_chart(payload: dict) -> bytes | None:
    from bot.charts.intraday_chart import bars_of_payload, render_intraday_chart

    bars = bars_of_payload(payload.get("bars") or {"t": []})
    if bars.empty:
        return None
    return render_intraday_chart(bars, ticker=payload["ticker"], line=float(payload["line"]),
                                 quote=float(payload["price"]), up=payload["direction"] == "up")


async def notice_chart(payload: dict) -> bytes | None:
    """The notice's chart (the day's bars so far, the line, the quote), drawn in the lane thread;
    None without bars or when it cannot be drawn (the notice goes without it, logged)."""
    try:
        return await off_loop(_draw_notice_chart, payload)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("intraday: no chart for %s's notice (%s: %s)", payload.get("ticker"), type(exc).__name__, exc)
        return None
