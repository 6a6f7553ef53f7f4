"""The base-rate table: the study's groups, in and out of sample, against the baseline; and the
odds lookup the announcements use.

Groups (keys like ``kind=record,length=long``):

* ``all``; each value of each dimension alone (``volume=heavy``, ``market=correction`` ...);
* the lookup's hierarchy, each level a child of the one before: kind, then base length, then
  the market's state, then the RS line, then volume (``CHAIN``).

The lookup (:func:`odds_for`) takes the most specific group of that chain that holds at least
``MIN_CASES`` breakouts over the whole study; short of that its parent, up to ``all``. A value
that is not known (no RS line for SPY itself, no market state) ends the chain there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.analysis.study.kinds import DIMENSIONS, length_group, market_group, rs_group, volume_group
from bot.analysis.study.stats import overlap, summarize, summarize_baseline

if TYPE_CHECKING:
    from bot.analysis.study.measure import Case

CHAIN: tuple[str, ...] = ("kind", "length", "market", "rs", "volume")
MIN_CASES = 30
TABLE_FILE = "base_rates.json"
TABLE_VERSION = 1
UNIVERSES = ("etfs", "sp500")


def group_key(pairs: Iterable[tuple[str, str]]) -> str:
    pairs = list(pairs)
    return ",".join(f"{d}={v}" for d, v in pairs) if pairs else "all"


def chain_keys(case: Case) -> list[str]:
    """The keys of the chain's groups a case belongs to, most general first (``all`` first)."""
    keys, pairs = ["all"], []
    for dim in CHAIN:
        value = case.group(dim)
        if value is None:
            break
        pairs.append((dim, value))
        keys.append(group_key(pairs))
    return keys


def group_members(cases: Sequence[Case]) -> dict[str, list[Case]]:
    """Every group's cases: ``all``, each dimension's values alone, and the chain's groups."""
    groups: dict[str, list[Case]] = {}
    for c in cases:
        keys = set(chain_keys(c))
        keys.update(f"{dim}={c.group(dim)}" for dim in DIMENSIONS if c.group(dim) is not None)
        for k in keys:
            groups.setdefault(k, []).append(c)
    return groups


def _in_sample(day: date, split: date) -> bool:
    return day < split


def edge(group: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    """The group's 20-session figures against the baseline's: ``verdict`` "none" when the
    baseline's share of rising 20-session spans lies inside the group's interval, else "better" or
    "worse"; and the difference of the medians in % points."""
    up = group["up20"]
    base = baseline["up20"]["pct"]
    if up["n"] == 0 or base is None:
        verdict = "none"
    elif up["lo"] <= base <= up["hi"]:
        verdict = "none"
    else:
        verdict = "better" if up["lo"] > base else "worse"
    med, base_med = group["median"]["r20"], baseline["median_r20"]
    diff = round(med - base_med, 2) + 0.0 if med is not None and base_med is not None else None
    return {"verdict": verdict, "median_r20_diff": diff}


def unstable(a: dict[str, Any], b: dict[str, Any]) -> bool | None:
    """In-sample ``a`` against out-of-sample ``b``: True when the intervals of the held or the
    up-20-sessions rate do not overlap; None when either side has no case to judge."""
    judged = [r for r in ("held", "up20") if a[r]["n"] and b[r]["n"]]
    if not judged:
        return None
    return any(not overlap(a[r], b[r]) for r in judged)


def universe_table(cases: Sequence[Case], baseline_days: np.ndarray, baseline: np.ndarray, *, split: date,
                   meta: dict[str, Any]) -> dict[str, Any]:
    """One universe's part of the table: ``meta`` (command, dates, tickers) with the baseline and
    every group's summary over the whole study (``all``), before ``split`` (``in``) and from it
    on (``out``), its edge over the baseline and whether it is unstable."""
    cut = np.datetime64(split)
    base = {
        "all": summarize_baseline(baseline),
        "in": summarize_baseline(baseline[baseline_days < cut]),
        "out": summarize_baseline(baseline[baseline_days >= cut]),
    }
    groups: dict[str, dict[str, Any]] = {}
    for key, members in sorted(group_members(cases).items()):
        ins = [c for c in members if _in_sample(c.date, split)]
        outs = [c for c in members if not _in_sample(c.date, split)]
        summary: dict[str, Any] = {"all": summarize(members), "in": summarize(ins), "out": summarize(outs)}
        summary["edge"] = edge(summary["all"], base["all"])
        summary["unstable"] = unstable(summary["in"], summary["out"])
        groups[key] = summary
    return {**meta, "split": split.isoformat(), "baseline": base, "groups": groups}


def dump(table: dict[str, Any]) -> str:
    """The table as the committed file's text: sorted keys, one line per group (a diff of two
    tables reads group by group), one trailing newline."""
    def compact(x: Any) -> str:
        return json.dumps(x, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def nested(d: dict[str, Any], indent: int) -> list[str]:
        pad = " " * indent
        out: list[str] = []
        for i, k in enumerate(sorted(d)):
            v = d[k]
            comma = "," if i < len(d) - 1 else ""
            if isinstance(v, dict) and k in ("universes", "groups") or (isinstance(v, dict) and "groups" in v):
                out += [f"{pad}{compact(k)}: {{", *nested(v, indent + 1), f"{pad}}}{comma}"]
            else:
                out.append(f"{pad}{compact(k)}: {compact(v)}{comma}")
        return out

    return "\n".join(["{", *nested(table, 1), "}"]) + "\n"


@lru_cache(maxsize=1)
def base_rates() -> dict[str, Any]:
    """The committed base-rate table (``bot/analysis/study/base_rates.json``)."""
    text = resources.files("bot.analysis.study").joinpath(TABLE_FILE).read_text(encoding="utf-8")
    table: dict[str, Any] = json.loads(text)
    return table


@dataclass(frozen=True)
class Odds:
    """The group a breakout's odds are taken from."""

    universe: str
    pairs: tuple[tuple[str, str], ...]  # (dimension, value), the chain's order; () for all breakouts
    stats: dict[str, Any]  # the group's summary over the whole study (stats.summarize)
    start: str  # the study's first and last day (ISO)
    end: str
    unstable: bool | None
    edge: dict[str, Any]


def odds_for(universe: str, kind: str, base_weeks: float, volume_ratio: float | None, rs_high: bool | None,
             market_state: str | None, *, table: dict[str, Any] | None = None, min_cases: int = MIN_CASES) -> Odds | None:
    """The most specific group of the chain with at least ``min_cases`` breakouts (else its
    parent, up to all breakouts of the universe); None when the table has no such universe."""
    values = {"kind": kind, "length": length_group(base_weeks), "volume": volume_group(volume_ratio),
              "rs": rs_group(rs_high), "market": market_group(market_state)}
    return odds_of_groups(universe, values, table=table, min_cases=min_cases)


def odds_of_groups(universe: str, values: dict[str, str | None], *, table: dict[str, Any] | None = None,
                   min_cases: int = MIN_CASES) -> Odds | None:
    """:func:`odds_for` of a breakout's groups already worked out (a measured case's)."""
    table = table if table is not None else base_rates()
    part = table.get("universes", {}).get(universe)
    if not part:
        return None
    pairs: list[tuple[str, str]] = []
    for dim in CHAIN:
        value = values.get(dim)
        if value is None:
            break
        pairs.append((dim, value))
    groups = part["groups"]
    for k in range(len(pairs), -1, -1):
        key = group_key(pairs[:k])
        g = groups.get(key)
        if g is not None and (g["all"]["n"] >= min_cases or k == 0):
            return Odds(universe, tuple(pairs[:k]), g["all"], part["from"], part["to"], g["unstable"], g["edge"])
    return None
