"""What follows a breakout, close by close: the follow-ups its thread receives.

Every rule is one the bot already has (:mod:`bot.analysis.levels`, the engine), never a second:

* ``day1``: the first close after the breakout, above the breakout line (held) or not;
* ``throwback``: the first close back at or inside the zone, i.e. not above the breakout line
  (the zone top plus the finder's buffer) while the breakout has not failed;
* ``extended``: the first close beyond the buy range (the line + 5 %, ``Levels.buy_top``);
* ``up10`` / ``up20``: the first close at or above the line + 10 % / + 20 %;
* ``failed`` / ``faded`` / ``busted``: the engine's own events of this breakout (same base,
  ``breakout_date`` the breakout's day), handed in by the caller;
* ``summary``: when the breakout's story ends, on its busted close or on the 30th session after
  it (the engine's fade window, ``BaseParams.fade_window_days``), whichever comes first. The
  outcome, the 10- and 30-bar moves and the worst drawdown are
  :func:`bot.analysis.events.outcomes.outcomes_of`'s, judged on the bars up to that day; the best
  gain is the highest high since the breakout over its close.

A failure does not end the story (the summary still waits for the 30th session or a bust, so its
moves are the ones ``history`` shows); after the failing close only ``busted`` and the summary
follow. Pure: the bars up to the last one given are all it reads, so the live scan (the newest
bar) and a replay (a past span) derive the same follow-ups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bot.analysis.base.params import BaseParams
from bot.analysis.events.types import Event
from bot.analysis.levels import levels_of_event

MILESTONES: tuple[tuple[str, float], ...] = (("up10", 10.0), ("up20", 20.0))  # % above the breakout line
ENGINE_KINDS = ("failed", "faded", "busted")
KINDS: tuple[str, ...] = ("day1", "throwback", "extended", "up10", "up20", "failed", "faded", "busted", "summary")
# the order of two follow-ups of one close (day 1 before a throwback on the same close, the summary last)
ORDER = {k: i for i, k in enumerate(KINDS)}
WINDOW = BaseParams().fade_window_days  # 30 sessions: the breakout's story, as the engine judges it


@dataclass(frozen=True)
class FollowUp:
    """One follow-up of one breakout (``breakout``: its day; ``base_id``: its base), on one close.

    ``data`` holds what the words need beside the close: the breakout's line and close, the
    session number since the breakout, and per kind the level crossed or the summary's figures."""

    ticker: str
    base_id: str
    breakout: date
    kind: str
    date: date
    close: float
    session: int  # sessions since the breakout (day 1 is 1)
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"ticker": self.ticker, "base_id": self.base_id, "breakout": self.breakout.isoformat(),
                "kind": self.kind, "date": self.date.isoformat(), "close": round(float(self.close), 2),
                "session": self.session, "data": self.data}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FollowUp:
        return cls(ticker=d["ticker"], base_id=d["base_id"], breakout=date.fromisoformat(d["breakout"]),
                   kind=d["kind"], date=date.fromisoformat(d["date"]), close=float(d["close"]),
                   session=int(d["session"]), data=dict(d.get("data") or {}))


def _r(x: float | None) -> float | None:
    return round(float(x), 2) if x is not None and x == x else None


def engine_follow_ups(breakout: Event, events: Sequence[Event]) -> dict[str, Event]:
    """The engine's failed/faded and busted events of this breakout: {"failure": e, "busted": e}."""
    out: dict[str, Event] = {}
    for e in sorted(events, key=lambda e: e.date):
        if e.kind not in ENGINE_KINDS or e.base_id != breakout.base_id or e.breakout_date != breakout.date:
            continue
        slot = "busted" if e.kind == "busted" else "failure"
        out.setdefault(slot, e)
    return out


# The documented figure when the study's table has no group for a breakout: Bulkowski, Encyclopedia
# of Chart Patterns (2nd ed.): 53 % of 12,256 upward breakouts threw back, within about 10 days.
BULKOWSKI = {"source": "bulkowski", "n": 12256, "throwback": 53.0, "resumed": None}


def throwback_rates(breakout: Event, daily: pd.DataFrame, universe: str | None) -> dict[str, Any]:
    """How often past breakouts like this one came back to the line and then resumed: the
    study's table (:func:`bot.analysis.study.table.odds_for`, the breakout's kind, base length
    and volume; a low at the line within 10 sessions, then a close above the breakout close
    within 60) when it has ``universe``, else :data:`BULKOWSKI`."""
    from bot.analysis.study.kinds import breakout_kind
    from bot.analysis.study.table import odds_for

    odds = None
    if universe is not None:
        kind = breakout_kind(breakout, daily)  # reads the bars before the breakout only
        odds = odds_for(universe, kind, breakout.base_weeks, breakout.volume_ratio, None, None)
    if odds is None:
        return dict(BULKOWSKI)
    s = odds.stats
    return {"source": "study", "universe": odds.universe, "group": [list(p) for p in odds.pairs],
            "from": odds.start, "to": odds.end, "n": s["n"], "throwback": s["throwback"]["pct"],
            "resumed": s["resumed"]["pct"]}


def follow_ups(breakout: Event, daily: pd.DataFrame, events: Sequence[Event] = (), *,
               window: int = WINDOW, universe: str | None = None) -> list[FollowUp]:
    """Every follow-up of ``breakout`` on the bars of ``daily`` (up to its last bar), oldest
    first. ``events``: the engine's events of the ticker since the breakout (others are ignored).
    ``universe``: the study table's part for the throwback's rates (None: the documented figure)."""
    if breakout.kind != "breakout" or daily is None or daily.empty:
        return []
    index = pd.DatetimeIndex(daily.index)
    i = int(index.searchsorted(pd.Timestamp(breakout.date)))
    if i >= len(index) or index[i].date() != breakout.date:
        return []
    closes = daily["Close"].to_numpy(dtype=float)
    highs = daily["High"].to_numpy(dtype=float)
    last = len(closes) - 1
    lv = levels_of_event(breakout)
    mine = engine_follow_ups(breakout, events)

    def pos(e: Event | None) -> int | None:
        if e is None:
            return None
        k = int(index.searchsorted(pd.Timestamp(e.date)))
        return k if k <= last and index[k].date() == e.date else None

    fail_i, bust_i = pos(mine.get("failure")), pos(mine.get("busted"))
    end_i = i + window
    if bust_i is not None and bust_i <= end_i:
        end_i = bust_i
    stop = min(end_i, last)
    base = {"line": _r(lv.line), "breakout_close": _r(breakout.close)}
    out: list[FollowUp] = []

    def add(kind: str, k: int, **data: Any) -> None:
        out.append(FollowUp(breakout.ticker, breakout.base_id, breakout.date, kind, index[k].date(),
                            float(closes[k]), k - i, {**base, **data}))

    pending = {"throwback", "extended", *(name for name, _ in MILESTONES)}
    for k in range(i + 1, stop + 1):
        c = float(closes[k])
        failed_by_now = fail_i is not None and k >= fail_i
        if k == i + 1 and k != fail_i:
            add("day1", k, held=bool(c > lv.line), pct_from_line=_r((c / lv.line - 1) * 100))
        if not failed_by_now:
            if "throwback" in pending and c <= lv.line:
                pending.discard("throwback")
                add("throwback", k, zone_low=_r(breakout.zone_low), zone_high=_r(breakout.zone_high),
                    invalidation=_r(lv.invalidation), rule=lv.rule, pct_from_line=_r((c / lv.line - 1) * 100),
                    rates=throwback_rates(breakout, daily.iloc[: i + 1], universe))
            if "extended" in pending and c > lv.buy_top:
                pending.discard("extended")
                add("extended", k, buy_top=_r(lv.buy_top), pct_from_line=_r((c / lv.line - 1) * 100))
            for name, pct in MILESTONES:
                target = lv.line * (1 + pct / 100.0)
                if name in pending and c >= target:
                    pending.discard(name)
                    add(name, k, target=_r(target), pct=pct, pct_from_line=_r((c / lv.line - 1) * 100))
        if k == fail_i:
            e = mine["failure"]
            add(e.kind, k, level=_r(e.level), back_inside=bool(e.back_inside))
        if k == bust_i:
            add("busted", k, level=_r(mine["busted"].level))
    if end_i <= last:
        add("summary", end_i, **summary_of(breakout, daily.iloc[: end_i + 1], list(mine.values()), i, end_i,
                                          highs))
    out.sort(key=lambda f: (f.date, ORDER[f.kind]))
    return out


def summary_of(breakout: Event, upto: pd.DataFrame, mine: list[Event], i: int, end_i: int,
               highs: np.ndarray) -> dict[str, Any]:
    """The closing summary's figures: ``outcomes_of`` on the bars up to the end, and the best gain."""
    from bot.analysis.events.outcomes import outcomes_of

    o = outcomes_of([breakout, *mine], upto)[0]
    best = float(np.nanmax(highs[i + 1 : end_i + 1])) if end_i > i else float("nan")
    return {"outcome": o.outcome, "best_gain_pct": _r(max(0.0, (best / breakout.close - 1) * 100)),
            "worst_drawdown_pct": _r(o.max_drawdown_pct), "move_10_pct": _r(o.move_10_pct),
            "move_30_pct": _r(o.move_30_pct), "failed_date": o.failed_date.isoformat() if o.failed_date else None,
            "sessions": end_i - i}

