"""The daily scan's personal alerts: which fire on the closes just scanned, and their outbox rows.

Each firing is one outbox row addressed to the member (``user_id``), queued in the same
transaction as the ticker's engine state (a level alert is marked fired there too, so it fires
once): delivered exactly once like an announcement, by DM or as a mention in the alerts channel.
Its payload carries what an announcement carries: an event alert the event's own payload (its
levels, its evidence and the server's market state); a level or move alert the close, the
ticker's base (so the same levels are said) and the server's market index. A level or move
alert's evidence on that day is worked out when its DM is posted, beside its chart (from the
same bars: ``PersonalAlertsService.firing_evidence``), not by the scan: the daily close checks
100,000 alerts in the time the evidence of a few hundred firings would take.

The key keeps a member from getting one event twice (two alerts matching one breakout are one
message) and a level alert from firing twice on one day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bot.analysis.events.state import ActiveBase
from bot.analysis.events.types import Event
from bot.analysis.personal import level_firing, matches, move_firings
from bot.store.outbox import NewMessage, SharedPayload, event_key
from bot.store.personal_alerts import VIA_CHANNEL, Bounds, PersonalAlert, Target

PERSONAL = "personal"  # the payload's section saying whom and why


@dataclass(frozen=True)
class Firing:
    alert: PersonalAlert
    target: Target
    day: date
    close: float
    event: Event | None = None  # an event alert's event
    change: float | None = None  # a move alert's change, %


Bar = tuple[date, float, "float | None"]  # (day, close, previous close)


def new_closes(daily: pd.DataFrame, since: date | None) -> list[Bar]:
    """(day, close, previous close) of the bars after ``since`` (None: the newest bar only, as
    a ticker's first scan announces only its newest bar).

    With a plain (timezone-naive) date index the days are read from its values in one go
    (the scan asks this of every watched ticker); any other index takes the plain path,
    :func:`new_closes_plain`, which gives the same bars."""
    index = daily.index
    if not isinstance(index, pd.DatetimeIndex) or index.tz is not None:
        return new_closes_plain(daily, since)
    closes = daily["Close"].to_numpy(dtype=float)
    values = index.values
    n = len(closes)
    first = n - 1 if since is None else int(np.searchsorted(values, np.datetime64(since, "D").astype(values.dtype),
                                                            side="right"))
    first = max(first, 0)
    if first >= n:
        return []
    days = values[first:].astype("datetime64[D]").tolist()
    before = closes[first - 1:].tolist() if first > 0 else [None, *closes.tolist()]
    return [(d, before[k + 1], before[k]) for k, d in enumerate(days)]


def new_closes_plain(daily: pd.DataFrame, since: date | None) -> list[Bar]:
    """:func:`new_closes` the plain way, a bar at a time (any index)."""
    closes = daily["Close"].to_numpy(dtype=float)
    days = daily.index
    if since is None:
        first = len(closes) - 1
    else:
        # a dated index with a timezone is compared in its own wall time, the days its bars are
        # dated by (its .values would be UTC instants, and pandas deprecates reading them so)
        wall = days.tz_localize(None) if isinstance(days, pd.DatetimeIndex) and days.tz is not None else days
        values = wall.to_numpy()
        first = int(np.searchsorted(values, np.datetime64(since, "D").astype(values.dtype), side="right"))
    return [(days[i].date(), float(closes[i]), float(closes[i - 1]) if i > 0 else None)
            for i in range(max(first, 0), len(closes))]


def bounds_of(daily: pd.DataFrame, stored, events: Sequence[Event], bars: Sequence[Bar] | None = None) -> Bounds:
    """What the ticker's new closes did (``stored``: its engine state record before the scan, or
    None; ``bars``: its :func:`new_closes` since then, if already worked out)."""
    if bars is None:
        bars = new_closes(daily, stored.last_date if stored is not None else None)
    closes = [c for _, c, _ in bars] or [float("nan")]
    moves = [abs(c / p - 1.0) * 100.0 for _, c, p in bars if p]
    return Bounds(min(closes), max(closes), max(moves, default=0.0), frozenset(e.kind for e in events))


def firings(alerts: Sequence[tuple[PersonalAlert, Target]], daily: pd.DataFrame, since: date | None,
            events: Sequence[Event], bars: Sequence[Bar] | None = None) -> list[Firing]:
    """The firings of one ticker's alerts on its new closes (``events``: the ones the scan
    announces; ``bars``: its :func:`new_closes` since ``since``, if already worked out)."""
    if bars is None:
        bars = new_closes(daily, since)
    out: list[Firing] = []
    closes = [(d, c) for d, c, _ in bars]
    for alert, target in alerts:
        if alert.kind in ("above", "below"):
            hit = level_firing(alert.kind, alert.level, closes)
            if hit is not None:
                out.append(Firing(alert, target, hit[0], hit[1]))
        elif alert.kind == "move":
            out.extend(Firing(alert, target, d, c, change=ch) for d, c, ch in move_firings(alert.level, bars))
        else:
            out.extend(Firing(alert, target, e.date, float(e.close), event=e) for e in events if matches(alert.kind, e.kind))
    return out


def _target(f: Firing) -> tuple[int, dict[str, Any]]:
    channel_id = f.target.channel_id
    via_channel = f.target.via == VIA_CHANNEL and channel_id is not None
    a = f.alert
    section = {"alert_id": a.id, "user_id": a.user_id, "via": "channel" if via_channel else "dm",
               "channel_id": channel_id, "text": a.text, "once": a.once, "alert_kind": a.kind,
               "level": a.level, "market_index": f.target.market_index}
    return (channel_id if via_channel and channel_id is not None else 0), section


def messages_for(fs: Sequence[Firing], *, beside: Mapping, base: ActiveBase | None,
                 event_payload) -> tuple[list[NewMessage], list[tuple[int, str]]]:
    """The outbox rows of one ticker's firings, and the level alerts they fire (id, ISO day).

    ``beside``: event key -> (evidence, {index: state}, odds) as the scan worked them out;
    ``event_payload(event, evidence, states, odds, index)``: the announcement's payload."""
    messages: list[NewMessage] = []
    fired: list[tuple[int, str]] = []
    announced: dict = {}  # (event key, market index) -> its announcement's payload, shared by its members
    for f in fs:
        a = f.alert
        kind: str
        channel_id, section = _target(f)
        if f.event is not None:
            e = f.event
            # what the server's announcement of the event carries: evidence, market states, odds
            shared = (e.key, f.target.market_index)
            if shared not in announced:
                announced[shared] = event_payload(e, *beside.get(e.key, (None, {}, None)), f.target.market_index)
            payload = announced[shared]
            base_id, kind = f"{e.base_id}@{a.user_id}", e.kind
        else:
            base_id, kind = f"alert{a.id}@{a.user_id}", a.kind
            payload = {"kind": a.kind, "ticker": a.ticker, "date": f.day.isoformat(), "close": f.close,
                       "level": a.level, "change": f.change}
            if base is not None:
                payload["base"] = {"zone_low": base.zone_low, "zone_high": base.zone_high, "level": base.level}
        key = event_key(a.ticker, base_id, kind, f.day)
        # an event's members share its announcement (written to the outbox once per batch)
        payload = (SharedPayload(payload, {PERSONAL: section, "key": key}) if f.event is not None
                   else {**payload, PERSONAL: section, "key": key})
        messages.append(NewMessage(a.guild_id, channel_id, a.ticker, base_id, kind, f.day, payload, user_id=a.user_id))
        if a.once:
            fired.append((a.id, f.day.isoformat()))
    return messages, fired
