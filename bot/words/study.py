"""The words of the study (``python -m bot study``), the odds line of an announcement and the
``odds`` command: group names, rates with their intervals, the edge against the baseline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.analysis.study.table import CHAIN, Odds
from bot.words.vocabulary import EN_DASH, pct

if TYPE_CHECKING:
    from bot.analysis.study.measure import Case

UNIVERSE_NAMES = {"etfs": "ETFs", "sp500": "S&P 500 stocks", "tickers": "the tickers given"}
VALUE_NAMES: dict[tuple[str, ...], str] = {
    ("kind", "record"): "record high",
    ("kind", "major"): "major base",
    ("kind", "nearest"): "nearest base",
    ("length", "short"): "base < 6 months",
    ("length", "mid"): "base 6–18 months",
    ("length", "long"): "base > 18 months",
    ("volume", "heavy"): "volume ≥ 1.4×",
    ("volume", "light"): "volume < 1.4×",
    ("rs", "high"): "RS line at a 52-week high",
    ("rs", "not_high"): "RS line below its high",
    ("market", "uptrend"): "market in uptrend",
    ("market", "under_pressure"): "market under pressure",
    ("market", "correction"): "market in correction",
}
KIND_WORDS = {"record": "record high", "major": "major base", "nearest": "nearest base"}


def signed(x: float | None) -> str:
    """'+9.8%', never '-0.0%'."""
    return pct(None if x is None else round(float(x), 1) + 0.0)


def share(r: dict[str, Any]) -> str:
    """'71%' of a rate, or an en dash with no case."""
    return EN_DASH if r.get("pct") is None else f"{r['pct']:.0f}%"


def interval(r: dict[str, Any]) -> str:
    """'71% [66–75]' (the 95 % Wilson interval)."""
    if r.get("pct") is None:
        return EN_DASH
    return f"{r['pct']:.0f}% [{r['lo']:.0f}{EN_DASH}{r['hi']:.0f}]"


def universe_name(universe: str) -> str:
    return UNIVERSE_NAMES.get(universe, universe)


def group_name(key: str) -> str:
    """'record high, base > 18 months' of 'kind=record,length=long'; 'all breakouts' of 'all'."""
    if key == "all":
        return "all breakouts"
    pairs = [tuple(p.split("=", 1)) for p in key.split(",")]
    return ", ".join(VALUE_NAMES.get(p, "=".join(p)) for p in pairs)


def _years(start: str, end: str) -> str:
    a, b = start[:4], end[:4]
    return a if a == b else f"{a}{EN_DASH}{b}"


def odds_line(odds: Odds) -> str:
    """One line of an announcement: "Past breakouts like this (record high, base > 18 months;
    S&P 500 stocks 2016–2025): 412 · 71% held 30 sessions · median best gain +9.8% · 58% came
    back to the line first"."""
    s = odds.stats
    what = ", ".join(VALUE_NAMES[p] for p in odds.pairs) if odds.pairs else "all"
    scope = f"{universe_name(odds.universe)} {_years(odds.start, odds.end)}"
    parts = [
        f"{s['n']:,}",
        f"{share(s['held'])} held 30 sessions",
        f"median best gain {signed(s['median']['best_gain'])}",
        f"{share(s['throwback'])} came back to the line first",
    ]
    lead = "Past breakouts like this" if odds.pairs else "Past breakouts"
    return f"{lead} ({what}; {scope}): " + " · ".join(parts)


def edge_words(g: dict[str, Any]) -> str:
    """'no edge' / 'edge +0.7 pts' / 'worse −1.2 pts' over the baseline's 20-session return."""
    e = g["edge"]
    if e["verdict"] == "none":
        return "no edge"
    diff = e["median_r20_diff"]
    word = "edge" if e["verdict"] == "better" else "worse"
    return f"{word} {signed(diff).rstrip('%')} pts" if diff is not None else word


# ----------------------------------------------------------------- the CLI report
_COLUMNS = (("group", 44), ("n", 6), ("held 30", 15), ("up 20", 15), ("med r20", 8), ("best", 7),
            ("throwback", 10), ("resumed", 8), ("held in → out", 18), ("", 0))


def report_rows(table: dict[str, Any], depth: int = 2) -> list[str]:
    """The group keys the text report shows: all, each dimension's values, and the chain's groups
    down to ``depth`` levels."""
    keys = table["groups"].keys()
    single = [k for k in keys if "," not in k and k != "all"]
    chained = [k for k in keys if "," in k and len(k.split(",")) <= depth]
    order = {d: i for i, d in enumerate(CHAIN)}
    single.sort(key=lambda k: (order.get(k.split("=")[0], 99), k))
    return ["all", *single, *sorted(chained)]


def _row(cells: list[str]) -> str:
    out = []
    for (_, width), cell in zip(_COLUMNS, cells):
        out.append(cell.ljust(width) if width else cell)
    return " ".join(out).rstrip()


def study_report(table: dict[str, Any], depth: int = 2) -> list[str]:
    """The study as text: what was measured, the baseline, one row per group, the rules."""
    b = table["baseline"]
    lines = [
        f"Study of {universe_name(table['universe'])}: {table['tickers']} tickers, breakouts announced "
        f"{table['from']} to {table['to']} (data {table['data']['first']} to {table['data']['last']}); "
        f"in-sample before {table['split']}, out-of-sample from it",
        f"Baseline, the 20-session return from every day: {b['all']['n']:,} spans, "
        f"{interval(b['all']['up20'])} up, median {signed(b['all']['median_r20'])} "
        f"(in-sample {share(b['in']['up20'])} / {signed(b['in']['median_r20'])}, "
        f"out-of-sample {share(b['out']['up20'])} / {signed(b['out']['median_r20'])})",
        "",
        _row([c for c, _ in _COLUMNS]),
    ]
    groups = table["groups"]
    for key in report_rows(table, depth):
        g = groups[key]
        a = g["all"]
        flags = [edge_words(g)]
        if g["unstable"]:
            flags.append("UNSTABLE")
        lines.append(_row([
            group_name(key), f"{a['n']:,}", interval(a["held"]), interval(a["up20"]), signed(a["median"]["r20"]),
            signed(a["median"]["best_gain"]), share(a["throwback"]), share(a["resumed"]),
            f"{interval(g['in']['held'])} → {share(g['out']['held'])}", " · ".join(flags),
        ]))
    lines += [
        "",
        "held 30: no failing close within 30 sessions (the engine's failed/faded rule) · up 20: the close 20 "
        "sessions later above the breakout close · best: median best gain before the failing close or 60 "
        "sessions · throwback: a low back at the breakout line within 10 sessions · resumed: after it, a close "
        "above the breakout close within 60 sessions · [lo–hi]: 95% Wilson interval · no edge: the baseline's "
        "share of rising 20-session spans lies inside the group's interval · UNSTABLE: the in- and "
        "out-of-sample intervals of held 30 or up 20 do not overlap",
    ]
    return lines


def odds_chart_title(table: dict[str, Any], kind: str | None = None) -> str:
    what = f"{KIND_WORDS[kind]} breakouts" if kind else "breakouts"
    return f"Past {what}: {universe_name(table['universe'])} {_years(table['from'], table['to'])}"


def odds_chart_subtitle(table: dict[str, Any]) -> str:
    b = table["baseline"]["all"]
    return (f"{table['tickers']} tickers · held = no failing close within 30 sessions · "
            f"every day's 20-session return: {share(b['up20'])} up, median {signed(b['median_r20'])}")


def group_row_label(key: str, summary: dict[str, Any]) -> str:
    """'record high  (65)': a group's name and count, as a chart row names it."""
    return f"{group_name(key)}  ({summary['n']:,})"


# ----------------------------------------------------------------- the odds command
UNKNOWN_KIND = "Give a kind (record, major, nearest) or a ticker, e.g. `odds record` or `odds IWM`."
NO_TABLE = "The base-rate table is missing from this installation."
UNIVERSE_SHORT = {"etfs": "ETFs", "sp500": "S&P"}
SHORT_VALUES: dict[tuple[str, ...], str] = {
    ("kind", "record"): "record", ("kind", "major"): "major", ("kind", "nearest"): "nearest",
    ("length", "short"): "<6 mo", ("length", "mid"): "6–18 mo", ("length", "long"): ">18 mo",
    ("market", "uptrend"): "uptrend", ("market", "under_pressure"): "pressure", ("market", "correction"): "correction",
    ("rs", "high"): "RS high", ("rs", "not_high"): "RS not high",
    ("volume", "heavy"): "vol ≥1.4×", ("volume", "light"): "vol <1.4×",
}
_LABEL = 26


def universe_short(universe: str) -> str:
    return UNIVERSE_SHORT.get(universe, universe)


def short_group(key: str) -> str:
    if key == "all":
        return "all"
    return " ".join(SHORT_VALUES.get(tuple(p.split("=", 1)), p) for p in key.split(","))


def rate_keys(part: dict[str, Any], kind: str | None) -> list[str]:
    """The groups ``odds`` shows: all and the kinds; with a kind, it and its base lengths."""
    if kind is None:
        keys = ["all", "kind=record", "kind=major", "kind=nearest"]
    else:
        keys = [f"kind={kind}", *(f"kind={kind},length={v}" for v in ("short", "mid", "long"))]
    return [k for k in keys if k in part["groups"]]


def table_label(universe: str, key: str) -> str:
    """'S&P record >18 mo': a universe's group in the ``odds`` table."""
    return f"{universe_short(universe)} {short_group(key)}"


def rates_table(rows: Sequence[tuple[str, dict[str, Any]]]) -> str:
    """A monospace table of (label, summary) rows: count, held 30 sessions, up 20 sessions
    later, median best gain, throwback share."""
    head = f"{'group':<{_LABEL}} {'n':>5} {'held':>5} {'up20':>5} {'best':>6} {'back':>5}"
    lines = [head]
    for label, s in rows:
        lines.append(f"{label[:_LABEL]:<{_LABEL}} {s['n']:>5,} {share(s['held']):>5} {share(s['up20']):>5} "
                     f"{signed(s['median']['best_gain']):>6} {share(s['throwback']):>5}")
    return "\n".join(lines)


def rates_title(kind: str | None) -> str:
    return f"Past {KIND_WORDS[kind]} breakouts: how they went" if kind else "Past breakouts: how they went"


def rates_notes(parts: dict[str, Any]) -> tuple[str, ...]:
    notes = []
    for name in ("sp500", "etfs"):
        part = parts.get(name)
        if part is None:
            continue
        b = part["baseline"]["all"]
        no_edge = [short_group(k) for k in ("all", "kind=record", "kind=major", "kind=nearest")
                   if k in part["groups"] and part["groups"][k]["edge"]["verdict"] == "none"]
        unstable = [short_group(k) for k, g in part["groups"].items() if "," not in k and g["unstable"]]
        line = (f"**{universe_name(name)}** {_years(part['from'], part['to'])}: every day's 20-session return "
                f"{share(b['up20'])} up, median {signed(b['median_r20'])}")
        if no_edge:
            line += f" · no edge over it: {', '.join(no_edge)}"
        if unstable:
            line += f" · unstable in/out of sample: {', '.join(unstable)}"
        notes.append(line)
    notes.append("held: no failing close within 30 sessions · up20: higher 20 sessions later · best: median "
                 "best gain before the failing close or 60 sessions · back: came back to the line within 10 sessions")
    return tuple(notes)


def rates_footer(parts: dict[str, Any]) -> str:
    last = max((p["data"]["last"] for p in parts.values() if p.get("data", {}).get("last")), default="")
    return f"Measured by `study` on the engine's own announced breakouts, data to {last} · past rates, not advice"


def own_label(ticker: str, n: int | None = None) -> str:
    """'IWM own' (the table's row), 'IWM own  (13)' with the count (the picture's)."""
    return f"{ticker} own" if n is None else f"{ticker} own  ({n:,})"


def ticker_title(ticker: str, cases: Sequence[Case]) -> str:
    n = len(cases)
    return f"{ticker}: {n} past breakout{'s' if n != 1 else ''} since 2016, next to its group"


def ticker_notes(ticker: str, cases: Sequence[Case], latest: Odds | None) -> tuple[str, ...]:
    notes = []
    if not cases:
        notes.append(f"{ticker} had no breakout the engine announced since 2016.")
    if latest is not None:
        notes.append(f"Latest breakout {cases[-1].date.isoformat()}: " + odds_line(latest))
    return tuple(notes)


def ticker_footer(last: date) -> str:
    return f"Daily closes to {last.isoformat()} · held: no failing close within 30 sessions · past rates, not advice"


def ticker_chart_title(ticker: str) -> str:
    return f"{ticker}: its past breakouts against its group"


def ticker_chart_subtitle(ticker: str, universe: str) -> str:
    return f"since 2016 · the group's rates from the {universe_name(universe)} table"
