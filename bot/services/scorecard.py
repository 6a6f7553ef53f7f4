"""``scorecard``: the breakouts a server was actually sent (its delivered announcements, read
from the outbox), each scored forward-only (:mod:`bot.analysis.events.scorecard`), the record by
kind, volume and market state beside the base-rate table, and one picture.

What is read: the server's posted breakout rows (their payload as queued: the event, its
evidence, its odds group), the failed/faded/busted rows the live scan recorded for those
breakouts and their threads' closing summaries (any server's: the figures are the breakout's),
the engine state's last bar of each ticker (no bar after it is judged), and the bars after each
breakout from the market data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.analysis.events.followups import FollowUp
from bot.analysis.events.scorecard import PERIODS, Scored, Tally, parse_period, scored, story_figures, tally
from bot.analysis.events.types import Event
from bot.analysis.study.table import base_rates
from bot.errors import BadArgument
from bot.market.service import MarketData
from bot.scan.evidence import universe_of
from bot.scan.scanner import DEFAULT_LOOKBACK_DAYS
from bot.store.db import Database
from bot.store.engine_states import EngineStateRepo
from bot.store.outbox import STORY_KINDS, OutboxRepo, followup_base
from bot.threads import off_loop
from bot.words import scorecard as words

log = logging.getLogger(__name__)

SUMMARY = "summary"


@dataclass(frozen=True)
class ScorecardReport:
    guild_id: int
    period: str
    headline: str  # the whole answer when ``empty``
    alerts: tuple[Scored, ...] = ()
    record: tuple[Tally, ...] = ()
    counts: str = ""
    text: str = ""  # the record as a monospace table
    lines: tuple[str, ...] = ()  # one per alert, newest first
    notes: tuple[str, ...] = ()
    footer: str = ""
    png: bytes | None = field(default=None, repr=False)
    filename: str = "scorecard.png"

    @property
    def empty(self) -> bool:
        return not self.alerts

    def to_dict(self) -> dict:
        return {"guild_id": self.guild_id, "period": self.period,
                "alerts": [a.to_dict() for a in self.alerts],
                "record": [{"group": t.dim, "value": t.value, "n": t.n, "outcomes": t.outcomes, "held_pct": t.held_pct,
                            "base_held_pct": t.base_held_pct, "base_n": t.base_n,
                            "median_move_10_pct": t.median_move_10, "median_move_30_pct": t.median_move_30,
                            "median_best_gain_pct": t.median_best_gain} for t in self.record]}


def _kind_of(payload: dict) -> str | None:
    pairs = ((payload.get("odds") or {}).get("pairs")) or []
    return next((v for d, v in (tuple(p) for p in pairs) if d == "kind"), None)


def _chart(title: str, subtitle: str, rows, dots) -> bytes:
    from bot.charts.scorecard_chart import render_scorecard_chart

    return render_scorecard_chart(title, subtitle, rows, dots)


class ScorecardService:
    def __init__(self, db: Database, market: MarketData, table: dict | None = None):
        self.db = db
        self.market = market
        self._table = table

    @property
    def table(self) -> dict:
        return self._table if self._table is not None else base_rates()

    async def scorecard(self, guild_id: int, period: str | None = None, *, today: date | None = None,
                        picture: bool = True) -> ScorecardReport:
        """The server's record over ``period`` (30d, 90d, 1y or all; None: 90d), counted back
        from ``today`` (default: New York's today) by the alert's own day."""
        p = parse_period(period)
        if p is None:
            raise BadArgument(words.BAD_PERIOD)
        days = PERIODS[p]
        since = (today or self.market.today()) - timedelta(days=days) if days is not None else None
        outbox = OutboxRepo(self.db)
        rows = await outbox.delivered(guild_id, "breakout", since)
        sent = []
        for row in rows:
            try:
                sent.append((Event.from_dict(row.payload), row.payload))
            except (KeyError, TypeError, ValueError):
                log.info("scorecard: breakout row %d of server %d has an older shape; left out", row.id, guild_id)
        if not sent:
            return ScorecardReport(guild_id, p, words.empty_line(p))
        alerts, prices_to = await self._score(outbox, sent)
        return await self._report(guild_id, p, alerts, prices_to, picture)

    async def _score(self, outbox: OutboxRepo, sent: list[tuple[Event, dict]]) -> tuple[list[Scored], date | None]:
        tickers = sorted({e.ticker for e, _ in sent})
        first = min(e.date for e, _ in sent)
        recorded = []
        for row in await outbox.stories(tickers, first):
            if row.kind in STORY_KINDS and row.kind != "breakout":
                try:
                    recorded.append(Event.from_dict(row.payload))
                except (KeyError, TypeError, ValueError):
                    continue  # an older shape: the breakout is scored on what else was recorded
        summaries: dict[tuple[str, str], dict] = {}
        for row in await outbox.followups_of(tickers, SUMMARY, first):
            try:
                f = FollowUp.from_dict(row.payload["followup"])
            except (KeyError, TypeError, ValueError):
                continue
            summaries.setdefault((f.ticker, row.base_id), f.data)
        states = await EngineStateRepo(self.db).get_many(tickers)
        followed = {t: s.last_date for t, s in states.items()}
        # bars: the stories without a recorded summary, and the kind of an alert whose payload lacks it
        need_bars = {e.ticker for e, _ in sent if (e.ticker, followup_base(e.base_id, e.date)) not in summaries}
        need_kind = {e.ticker for e, payload in sent if _kind_of(payload) is None}
        frames = {}
        if need_bars | need_kind:
            back = DEFAULT_LOOKBACK_DAYS if need_kind else 10  # "record": above every high the scan read
            frames = await self.market.histories(sorted(need_bars | need_kind), start=first - timedelta(days=back))

        def work() -> list[Scored]:
            from bot.analysis.levels import levels_of_event
            from bot.analysis.study.kinds import breakout_kind

            out = []
            for e, payload in sent:
                daily = frames.get(e.ticker)
                kind = _kind_of(payload)
                if kind is None and daily is not None and not daily.empty:
                    kind = breakout_kind(e, daily.loc[: e.date.isoformat()])
                thread = summaries.get((e.ticker, followup_base(e.base_id, e.date)))
                if thread is not None:
                    figures, from_thread = thread, True
                else:
                    found = (story_figures(e, daily, recorded, followed.get(e.ticker))
                             if daily is not None and not daily.empty else None)
                    figures, from_thread = (found or {"outcome": "pending", "sessions": 0}), False
                odds = payload.get("odds") or {}
                evidence = payload.get("evidence") or {}
                line = (thread or {}).get("line") or round(levels_of_event(e).line, 2)
                out.append(scored(e, figures, kind=kind, market=evidence.get("market"),
                                  universe=odds.get("universe") or universe_of(e.ticker),
                                  line=line, from_thread=from_thread))
            return out

        alerts = await off_loop(work)
        ends = [df.index[-1].date() for df in frames.values() if df is not None and not df.empty]
        return alerts, (max(ends) if ends else None)

    async def _report(self, guild_id: int, period: str, alerts: list[Scored], prices_to: date | None,
                      picture: bool) -> ScorecardReport:
        table = self.table
        record = tally(alerts, table)
        everyone = record[0]
        png = None
        if picture:
            png = await off_loop(_chart, words.chart_title(len(alerts)), words.chart_subtitle(period, everyone),
                                 words.chart_rows(everyone), [(a.date, a.outcome, a.ticker) for a in alerts])
        first, last = min(a.date for a in alerts), max(a.date for a in alerts)
        return ScorecardReport(
            guild_id=guild_id, period=period, headline=words.headline(len(alerts), period), alerts=tuple(alerts),
            record=tuple(record), counts=words.outcome_counts(everyone), text=words.record_table(record),
            lines=words.alert_lines(alerts), notes=words.notes(words.table_years(table)),
            footer=words.footer(first, last, prices_to), png=png)
