"""Personal alerts: what each member watches for themselves in a server, and where it goes.

The limits (:data:`MAX_PER_MEMBER` per member per server, :data:`MAX_PER_SERVER` per server)
are checked inside the write's own transaction with the store's one limits mechanism
(:func:`bot.store.limits.hold`): the writers of one server take turns from the count on
(PostgreSQL: a transaction-level advisory lock on the server; SQLite: the write transaction
begins IMMEDIATE), so concurrent `alert add` can't get around either limit. The duplicate check shares that transaction, and the
unique key (guild, member, ticker, kind, level) backs it.

A member's alerts are theirs alone: every read names the member, except :meth:`counts`
(moderators see numbers only) and the scan's :meth:`for_tickers`.
"""

from __future__ import annotations

import builtins
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from bot.analysis.personal import EVENT_KINDS as EVENT_ALERTS
from bot.errors import BreakoutError
from bot.store.db import Database
from bot.store.limits import hold
from bot.store.schema import alert_members, guild_settings, outbox, personal_alerts
from bot.store.transaction import transaction, utc_now
from bot.words import personal as words

MAX_PER_MEMBER = 25
MAX_PER_SERVER = 1000
LOCK_NAME = "personal_alerts"  # one turn per server covers both limits
VIA_DM, VIA_CHANNEL = "dm", "channel"

_a = personal_alerts.c
_m = alert_members.c


class AlertRefused(BreakoutError):
    """An `alert add` that stores nothing (duplicate, over a limit); the message says why."""


@dataclass(frozen=True)
class PersonalAlert:
    id: int
    guild_id: int
    user_id: int
    ticker: str
    kind: str
    level: float
    created_at: str = ""
    fired_on: str | None = None
    problem: str | None = None

    @property
    def once(self) -> bool:
        """A level alert fires once, then is removed; event and move alerts stay."""
        return self.kind in words.LEVEL_KINDS

    @property
    def text(self) -> str:
        return words.alert_text(self.ticker, self.kind, self.level)


@dataclass(frozen=True)
class Bounds:
    """What a ticker's new closes did: the lowest and highest close, the biggest close-to-close
    move (%, either way), and the kinds of the events the scan announces for it."""

    low: float
    high: float
    move: float
    events: frozenset[str] = frozenset()


def _may_fire(i: int) -> list:
    """The ``i``-th ticker's alerts that can fire, its bounds as parameters (``t``, ``hi``, ``lo``,
    ``mv``, ``ev_j``: the ticker, highest and lowest new close, biggest move, event alert kinds):
    one term per kind, each a range of the (ticker, kind, level) index."""
    p = functools.partial(sa.bindparam, unique=False)
    ticker = _a.ticker == p(f"t{i}")
    return [sa.and_(ticker, _a.kind == "above", _a.level < p(f"hi{i}", type_=sa.Float)),
            sa.and_(ticker, _a.kind == "below", _a.level > p(f"lo{i}", type_=sa.Float)),
            sa.and_(ticker, _a.kind == "move", _a.level <= p(f"mv{i}", type_=sa.Float)),
            sa.and_(ticker, _a.kind.in_([p(f"ev{i}_{j}", type_=sa.String) for j in range(len(EVENT_ALERTS))]))]


def _bound_params(tickers: Sequence[str], bounds: Mapping[str, Bounds | None]) -> dict:
    params: dict = {}
    for i, t in enumerate(tickers):
        b = bounds[t]
        assert b is not None  # the caller passes the tickers with bounds
        params.update({f"t{i}": t, f"hi{i}": b.high, f"lo{i}": b.low, f"mv{i}": b.move + 1e-9})
        # the event alert kinds the ticker's events fire, "" for the others (no alert has kind ""):
        # a fixed count of parameters keeps the statement's text, so the database reuses its plan
        params.update({f"ev{i}_{j}": k if covers & b.events else "" for j, (k, covers) in enumerate(EVENT_ALERTS.items())})
    return params


@dataclass(frozen=True)
class Target:
    """Where one member's alerts of one server go: ``via`` and the server's alerts channel (if any)."""

    via: str
    channel_id: int | None
    market_index: str = "SPY"  # the server's market index (its firings show that index's state)


def _alert(r) -> PersonalAlert:
    return PersonalAlert(id=r["id"], guild_id=r["guild_id"], user_id=r["user_id"], ticker=r["ticker"],
                         kind=r["kind"], level=float(r["level"]), created_at=r["created_at"],
                         fired_on=r["fired_on"], problem=r["problem"])


@functools.lru_cache(maxsize=128)
def _candidates(n: int | None):
    """The scan's read of alerts not waiting on a delivery, with where each goes: for ``n``
    tickers' bounds (:func:`_may_fire`), or (None) with no condition on the tickers yet."""
    g = guild_settings.c
    stmt = (sa.select(_a.id, _a.guild_id, _a.user_id, _a.ticker, _a.kind, _a.level, _m.via,
                      g.alerts_channel_id, g.alerts_enabled, g.market_index)
            .join_from(personal_alerts, alert_members,
                       sa.and_(_m.guild_id == _a.guild_id, _m.user_id == _a.user_id), isouter=True)
            .join_from(personal_alerts, guild_settings, g.guild_id == _a.guild_id, isouter=True)
            .where(_a.fired_on.is_(None)))
    return stmt if n is None else stmt.where(sa.or_(*(term for i in range(n) for term in _may_fire(i))))


@functools.lru_cache(maxsize=128)
def _candidates_sqlite(n: int):
    """SQLite's text of :func:`_candidates` for ``n`` tickers' bounds, and its compiled form
    (which puts the parameters in the text's order)."""
    compiled = _candidates(n).compile(dialect=sqlite.dialect())
    return str(compiled), compiled


class PersonalAlertRepo:
    def __init__(self, db: Database, *, per_member: int = MAX_PER_MEMBER, per_server: int = MAX_PER_SERVER,
                 take_turns: bool = True, plain_reads: bool = False):
        self.db = db
        self.plain_reads = plain_reads  # True only for the test that shows SQLite's driver read equals SQLAlchemy's
        self.per_member = per_member
        self.per_server = per_server
        self.take_turns = take_turns  # False only to show, in a test, the race the turns prevent

    async def add(self, guild_id: int, user_id: int, ticker: str, kind: str, level: float = 0.0) -> tuple[PersonalAlert, int]:
        """Store one alert; returns it and how many the member has now. AlertRefused (nothing
        stored) for a duplicate or when a limit would be passed."""
        level = float(level)
        async with transaction(self.db) as conn:
            if self.take_turns:
                await hold(self.db, conn, LOCK_NAME, guild_id)
            same = sa.and_(_a.guild_id == guild_id, _a.user_id == user_id, _a.ticker == ticker, _a.kind == kind,
                           _a.level == level)
            if (await conn.execute(sa.select(_a.id).where(same))).first() is not None:
                raise AlertRefused(words.duplicate(words.alert_text(ticker, kind, level)))
            mine = (await conn.execute(sa.select(sa.func.count()).select_from(personal_alerts).where(
                _a.guild_id == guild_id, _a.user_id == user_id))).scalar()
            if mine >= self.per_member:
                raise AlertRefused(words.member_limit(self.per_member))
            server = (await conn.execute(sa.select(sa.func.count()).select_from(personal_alerts).where(
                _a.guild_id == guild_id))).scalar()
            if server >= self.per_server:
                raise AlertRefused(words.server_limit(self.per_server))
            new_id = (await conn.execute(personal_alerts.insert().values(
                guild_id=guild_id, user_id=user_id, ticker=ticker, kind=kind, level=level,
                created_at=utc_now()).returning(_a.id))).scalar()
            row = (await conn.execute(sa.select(personal_alerts).where(_a.id == new_id))).mappings().one()
        return _alert(row), mine + 1

    async def list(self, guild_id: int, user_id: int) -> list[PersonalAlert]:
        """The member's own alerts in this server, oldest first (the numbers `alert list` shows)."""
        rows = await self.db.all(sa.select(personal_alerts).where(_a.guild_id == guild_id, _a.user_id == user_id)
                                 .order_by(_a.id))
        return [_alert(r) for r in rows]

    async def remove(self, guild_id: int, user_id: int, alert_id: int) -> bool:
        """Remove one of the member's alerts (never another member's)."""
        async with transaction(self.db) as conn:
            result = await conn.execute(personal_alerts.delete().where(
                _a.id == alert_id, _a.guild_id == guild_id, _a.user_id == user_id))
            return bool(result.rowcount)

    async def remove_member(self, guild_id: int, user_id: int) -> int:
        """Everything the member set in this server (`alert remove all`, or they left): returns
        how many alerts. Their undelivered firings go too."""
        async with transaction(self.db) as conn:
            n = (await conn.execute(personal_alerts.delete().where(
                _a.guild_id == guild_id, _a.user_id == user_id))).rowcount
            await conn.execute(alert_members.delete().where(_m.guild_id == guild_id, _m.user_id == user_id))
            await conn.execute(outbox.update().where(
                outbox.c.guild_id == guild_id, outbox.c.user_id == user_id, outbox.c.sent_at.is_(None),
                outbox.c.dropped_at.is_(None)).values(dropped_at=utc_now(), last_error="the member's alerts were removed"))
            return n

    async def remove_guild(self, guild_id: int) -> int:
        """Every member's alerts of a server the bot left."""
        async with transaction(self.db) as conn:
            n = (await conn.execute(personal_alerts.delete().where(_a.guild_id == guild_id))).rowcount
            await conn.execute(alert_members.delete().where(_m.guild_id == guild_id))
            await conn.execute(outbox.update().where(
                outbox.c.guild_id == guild_id, outbox.c.user_id.is_not(None), outbox.c.sent_at.is_(None),
                outbox.c.dropped_at.is_(None)).values(dropped_at=utc_now(), last_error="the bot left the server"))
            return n

    async def counts(self, guild_id: int) -> tuple[int, dict[str, int]]:
        """For moderators: how many members have alerts, and alerts per ticker (numbers only)."""
        members = await self.db.scalar(sa.select(sa.func.count(sa.distinct(_a.user_id))).where(_a.guild_id == guild_id))
        rows = await self.db.all(sa.select(_a.ticker, sa.func.count().label("n")).where(_a.guild_id == guild_id)
                                 .group_by(_a.ticker))
        return int(members or 0), {r["ticker"]: int(r["n"]) for r in rows}

    async def tickers(self) -> builtins.list[str]:  # (builtins: this class has a list method)
        """Every ticker some member watches (the daily scan covers them)."""
        return [r["ticker"] for r in await self.db.all(sa.select(_a.ticker).distinct().order_by(_a.ticker))]

    async def market_indexes(self) -> builtins.list[str]:
        """The market indexes of the servers whose members have alerts (their firings show them)."""
        g = guild_settings.c
        rows = await self.db.all(sa.select(g.market_index).distinct()
                                 .where(g.guild_id.in_(sa.select(_a.guild_id).distinct())))
        return sorted({r["market_index"] or "SPY" for r in rows} | {"SPY"})

    async def for_tickers(self, tickers: Iterable[str] | Mapping[str, Bounds]) -> dict[str, builtins.list[tuple[PersonalAlert, Target]]]:
        """The scan's view: ticker -> its alerts not waiting on a delivery, each with where it goes.

        With ``Bounds`` per ticker (what its new closes did) only the alerts that can fire are
        read: a level above beneath the highest close, below above the lowest, a move no bigger
        than the biggest, an event alert when the ticker had an event. The database picks them
        (in the (ticker, kind, level) index), so the cost follows the firings, not the number of alerts."""
        bounds: Mapping[str, Bounds | None] = tickers if isinstance(tickers, Mapping) else {t: None for t in tickers}
        wanted = sorted(bounds)
        out: dict[str, builtins.list[tuple[PersonalAlert, Target]]] = {}
        targets: dict[tuple, Target] = {}
        for i in range(0, len(wanted), 100):
            part = wanted[i:i + 100]
            everything = [t for t in part if bounds[t] is None]
            bounded = [t for t in part if bounds[t] is not None]
            async with self.db.reading() as conn:
                rows: builtins.list = []
                if everything:
                    rows += (await conn.execute(_candidates(None).where(_a.ticker.in_(everything)))).all()
                if bounded:  # one statement per count of tickers, built and compiled once
                    params = _bound_params(bounded, bounds)
                    if self.db.is_postgres or self.plain_reads:
                        rows += (await conn.execute(_candidates(len(bounded)), params)).all()
                    else:  # SQLite: the compiled text straight to the driver (its rows need no conversion)
                        sql, compiled = _candidates_sqlite(len(bounded))
                        values = compiled.construct_params(params)
                        rows += (await conn.exec_driver_sql(sql, tuple(values[k] for k in compiled.positiontup))).all()
            rows.sort(key=lambda r: (r[3], r[0]))
            for aid, gid, uid, ticker, kind, level, via, channel, enabled, index in rows:
                where = (via or VIA_DM, channel if enabled else None, index or "SPY")
                target = targets.get(where)
                if target is None:  # one (frozen, equal) Target per destination, shared by its alerts
                    target = targets[where] = Target(*where)
                out.setdefault(ticker, []).append((PersonalAlert(aid, gid, uid, ticker, kind, float(level)), target))
        return out

    async def levels_near(self, within_pct: float) -> dict[str, builtins.list[tuple[PersonalAlert, Target]]]:
        """The intraday watch's view: ticker -> its level alerts ("above"/"below") not waiting on a
        delivery whose level lies within ``within_pct`` % of the ticker's last scanned close and
        not yet past it (an "above" level at or over the close and at most ``within_pct`` % of the
        level beyond it; a "below" level mirrored), each with where it goes. The database picks
        them (a join on the engine's states), so the cost follows the alerts near their level."""
        from bot.store.schema import engine_states

        g, e = guild_settings.c, engine_states.c
        k = within_pct / 100.0
        near = sa.or_(
            sa.and_(_a.kind == "above", e.last_close <= _a.level, e.last_close >= _a.level * (1 - k)),
            sa.and_(_a.kind == "below", e.last_close >= _a.level, e.last_close <= _a.level * (1 + k)))
        stmt = (sa.select(_a.id, _a.guild_id, _a.user_id, _a.ticker, _a.kind, _a.level, _m.via,
                          g.alerts_channel_id, g.alerts_enabled, g.market_index)
                .join_from(personal_alerts, engine_states, e.ticker == _a.ticker)
                .join_from(personal_alerts, alert_members,
                           sa.and_(_m.guild_id == _a.guild_id, _m.user_id == _a.user_id), isouter=True)
                .join_from(personal_alerts, guild_settings, g.guild_id == _a.guild_id, isouter=True)
                .where(near, _a.fired_on.is_(None))
                .order_by(_a.ticker, _a.id))
        out: dict[str, builtins.list[tuple[PersonalAlert, Target]]] = {}
        async with self.db.reading() as conn:
            rows = (await conn.execute(stmt)).all()
        for aid, gid, uid, ticker, kind, level, via, channel, enabled, index in rows:
            out.setdefault(ticker, []).append((
                PersonalAlert(aid, gid, uid, ticker, kind, float(level)),
                Target(via or VIA_DM, channel if enabled else None, index or "SPY")))
        return out

    async def via(self, guild_id: int, user_id: int) -> str:
        v = await self.db.scalar(sa.select(_m.via).where(_m.guild_id == guild_id, _m.user_id == user_id))
        return v or VIA_DM

    async def set_via(self, guild_id: int, user_id: int, via: str) -> None:
        now = utc_now()
        stmt = self.db.insert(alert_members).values(guild_id=guild_id, user_id=user_id, via=via, updated_at=now)
        stmt = stmt.on_conflict_do_update(index_elements=[_m.guild_id, _m.user_id], set_={"via": via, "updated_at": now})
        async with transaction(self.db) as conn:
            await conn.execute(stmt)

    async def kept(self, alert_id: int, problem: str) -> None:
        """A firing that could not be delivered: the alert stays (a level alert can fire again),
        and ``problem`` is shown in `alert list`."""
        async with transaction(self.db) as conn:
            await conn.execute(personal_alerts.update().where(_a.id == alert_id).values(fired_on=None, problem=problem))


FIRE_CHUNK = 500  # alert ids per UPDATE (well inside either engine's bound-parameter limit)


async def fire(conn, fired: Sequence[tuple[int, str]]) -> None:
    """Inside the scan's transaction: level alerts queued on a session (``(alert id, ISO day)``)
    wait for their delivery and fire no more. One UPDATE per day and chunk of ids, not one per
    alert (a busy close fires thousands; :func:`fire_one_by_one` is the plain path it equals)."""
    by_day: dict[str, builtins.list[int]] = {}
    for alert_id, day in dict(fired).items():  # an alert named twice ends on its last day, as one by one
        by_day.setdefault(day, []).append(alert_id)
    for day, ids in by_day.items():
        for i in range(0, len(ids), FIRE_CHUNK):
            await conn.execute(personal_alerts.update().where(_a.id.in_(ids[i:i + FIRE_CHUNK]))
                               .values(fired_on=day, problem=None))


async def fire_one_by_one(conn, fired: Sequence[tuple[int, str]]) -> None:
    """The plain path of :func:`fire` (one UPDATE per alert), kept for the test that shows they agree."""
    if fired:
        stmt = personal_alerts.update().where(_a.id == sa.bindparam("alert_id")).values(
            fired_on=sa.bindparam("day"), problem=None)
        await conn.execute(stmt, [{"alert_id": i, "day": d} for i, d in fired])


async def delivered(conn, alert_id: int, *, once: bool) -> None:
    """Inside the delivery's mark-sent transaction: a level alert is done (removed); another
    alert forgets an earlier delivery problem."""
    if once:
        await conn.execute(personal_alerts.delete().where(_a.id == alert_id))
    else:
        await conn.execute(personal_alerts.update().where(_a.id == alert_id, _a.problem.is_not(None))
                           .values(problem=None))
