"""``python -m bot study``: replay the engine over a universe of price files and measure every
breakout it announces (:mod:`bot.analysis.study`), in worker processes (one ticker at a time
each, the benchmark's RS line and market state worked out once per worker).

Universes, under a data directory laid out as ``../shared/data``:

* ``etfs``: the ETFs of :data:`bot.market.universes.ETFS` found as ``DIR/<T>.csv[.gz]``
  (unadjusted closes; the RS line against SPY's close);
* ``sp500``: every ``DIR/universe/<T>.csv.gz`` (split- and dividend-adjusted; the RS line
  against SPY's ``Adj Close``, adjusted the same way);
* ``--tickers``: those tickers, looked for in DIR, then DIR/universe.

The market's state is SPY's (``DIR/SPY.csv``), from its unadjusted bars (volume rules).
"""

from __future__ import annotations

import logging
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from bot.analysis.study.measure import Case, baseline_returns, measure_ticker
from bot.analysis.study.table import UNIVERSES, universe_table
from bot.errors import BadArgument
from bot.market.csvdir import read_price_csv
from bot.market.universes import ETFS

log = logging.getLogger(__name__)

DEFAULT_FROM = date(2016, 1, 1)
DEFAULT_SPLIT = date(2022, 1, 1)
BENCHMARK = "SPY"


@dataclass(frozen=True)
class Study:
    universe: str  # "etfs", "sp500" or "tickers"
    cases: list[Case]
    table: dict  # bot.analysis.study.table.universe_table
    tickers: int
    skipped: tuple[str, ...]  # tickers with no file or no usable data


def _price_path(root: Path, ticker: str, *, universe_first: bool = False) -> Path | None:
    dirs = (root / "universe", root) if universe_first else (root, root / "universe")
    for d in dirs:
        for suffix in (".csv", ".csv.gz"):
            p = d / f"{ticker}{suffix}"
            if p.is_file():
                return p
    return None


def universe_files(root: Path, universe: str | None, tickers: list[str] | None) -> list[tuple[str, Path]]:
    """(ticker, file) of the universe, or of ``tickers``; BadArgument when none is there."""
    if not root.is_dir():
        raise BadArgument(f"No data directory at {root}.")
    if tickers:
        found = [(t, _price_path(root, t)) for t in tickers]
        missing = [t for t, p in found if p is None]
        if missing:
            raise BadArgument(f"No price file for {', '.join(missing)} in {root} or {root / 'universe'}.")
        return [(t, p) for t, p in found if p is not None]
    files: list[tuple[str, Path]]
    if universe == "etfs":
        paths = [(t, _price_path(root, t)) for t in ETFS]
        files = [(t, p) for t, p in paths if p is not None and p.parent == root]
    elif universe == "sp500":
        files = sorted((p.name.split(".")[0], p) for p in (root / "universe").glob("*.csv*"))
    else:
        raise BadArgument(f"Unknown universe {universe!r}: use {' or '.join(UNIVERSES)}.")
    if not files:
        raise BadArgument(f"No price files for the {universe} universe in {root}.")
    return files


# ---------------------------------------------------------------- the workers
_BENCH: dict = {}


def _init_worker(bench_path: str | None, adjusted: bool) -> None:
    from bot.analysis.evidence.market_state import market_states

    _BENCH.clear()
    if bench_path is None:
        return
    spy = read_price_csv(bench_path)
    col = "Adj Close" if adjusted and "Adj Close" in spy.columns else "Close"
    _BENCH.update(close=spy[col], states=market_states(spy))


def measure_file(ticker: str, path: str, start: date, end: date | None):
    """One ticker's cases and baseline (a worker's job): (cases, baseline days, returns) or None
    when its file cannot be used."""
    from bot.analysis.evidence.relative_strength import rs_line_highs

    try:
        daily = read_price_csv(path)
    except Exception:  # a bad file is one line in the log and the ticker is left out
        log.warning("study: %s left out", path, exc_info=True)
        return None
    close = _BENCH.get("close")
    rs = rs_line_highs(daily["Close"], close) if close is not None and ticker != BENCHMARK else None
    cases = measure_ticker(ticker, daily, start, end, rs_high=rs, market=_BENCH.get("states"))
    days, rets = baseline_returns(daily, start, end)
    return cases, days, rets.astype(np.float32), daily.index[0].date(), daily.index[-1].date()


def run_study(root: str | Path, *, universe: str | None = "etfs", tickers: list[str] | None = None,
              start: date | None = None, end: date | None = None, split: date | None = None,
              workers: int = 2, command: str = "") -> Study:
    """Measure every breakout of the universe announced from ``start`` (default 2016-01-01) to
    ``end`` (default: the data's end) in ``workers`` processes; the table part with ``command``."""
    root = Path(root)
    start = start or DEFAULT_FROM
    split = split or DEFAULT_SPLIT
    if end is not None and start > end:
        raise BadArgument(f"--from {start} is after --to {end}.")
    files = universe_files(root, universe, tickers)
    bench = _price_path(root, BENCHMARK)
    adjusted = universe == "sp500" and not tickers
    jobs = [(t, str(p), start, end) for t, p in files]
    results: list = []
    if workers <= 1:
        _init_worker(str(bench) if bench else None, adjusted)
        results = [measure_file(*j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                 initargs=(str(bench) if bench else None, adjusted)) as pool:
            futures = [pool.submit(measure_file, *j) for j in jobs]
            results = [f.result() for f in futures]
    cases: list[Case] = []
    day_parts, ret_parts, skipped, spans = [], [], [], []
    for (t, _, _, _), got in zip(jobs, results):
        if got is None:
            skipped.append(t)
            continue
        cases.extend(got[0])
        day_parts.append(got[1])
        ret_parts.append(got[2])
        spans.append(got[3:])
    days = np.concatenate(day_parts) if day_parts else np.array([], dtype="datetime64[D]")
    rets = np.concatenate(ret_parts).astype(float) if ret_parts else np.array([])
    cases.sort(key=lambda c: (c.date, c.ticker))
    name = "tickers" if tickers else str(universe)
    meta = {
        "command": command,
        "universe": name,
        "tickers": len(files) - len(skipped),
        "from": start.isoformat(),
        "to": min(end or last, last).isoformat() if (last := max((b for _, b in spans), default=None)) else None,
        "data": {"first": min(a for a, _ in spans).isoformat() if spans else None,
                 "last": last.isoformat() if last else None},
        "benchmark": BENCHMARK if bench else None,
    }
    table = universe_table(cases, days, rets, split=split, meta=meta)
    return Study(name, cases, table, len(files) - len(skipped), tuple(skipped))


# ---------------------------------------------------------------- the committed table
def command_line(universe: str | None, tickers: list[str] | None, start: date | None, end: date | None,
                 split: date | None) -> str:
    """The study's command as the table records it (the data directory left out)."""
    parts = ["python -m bot study"]
    parts += ["--tickers", *tickers] if tickers else ["--universe", str(universe)]
    parts += ["--from", (start or DEFAULT_FROM).isoformat()]
    if end is not None:
        parts += ["--to", end.isoformat()]
    parts += ["--split", (split or DEFAULT_SPLIT).isoformat()]
    return " ".join(parts)


def committed_table_path() -> Path:
    from bot.analysis.study import table as t

    return Path(t.__file__).with_name(t.TABLE_FILE)


def write_table(path: str | Path, study: Study) -> Path:
    """Put the study's universe into the table file at ``path`` (the other universes kept)."""
    import json

    from bot.analysis.study.table import TABLE_VERSION, dump

    if study.universe not in UNIVERSES:
        raise BadArgument(f"Only a universe ({' or '.join(UNIVERSES)}) goes into the table, not --tickers.")
    path = Path(path)
    table = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    table = {"version": TABLE_VERSION, "universes": {**table.get("universes", {}), study.universe: study.table}}
    path.write_text(dump(table), encoding="utf-8")
    return path


def check_table(root: str | Path, universes: tuple[str, ...] = UNIVERSES, workers: int = 2) -> list[tuple[str, str]]:
    """Regenerate each universe of the committed table whose data is under ``root`` with the
    table's own dates and require it identical: (universe, "identical" / "skipped: …" /
    "DIFFERS: …") per universe."""
    from bot.analysis.study.table import base_rates, dump

    base_rates.cache_clear()
    committed = base_rates()["universes"]
    out = []
    for name in universes:
        part = committed.get(name)
        if part is None:
            out.append((name, "DIFFERS: not in the committed table"))
            continue
        try:
            universe_files(Path(root), name, None)
        except BadArgument as exc:
            out.append((name, f"skipped: {exc}"))
            continue
        start, split = date.fromisoformat(part["from"]), date.fromisoformat(part["split"])
        end = date.fromisoformat(part["to"]) if "--to" in part["command"] else None
        study = run_study(root, universe=name, start=start, end=end, split=split, workers=workers,
                          command=part["command"])
        if dump(study.table) == dump(part):
            out.append((name, "identical"))
        else:
            diff = sorted(k for k in set(part["groups"]) | set(study.table["groups"])
                          if part["groups"].get(k) != study.table["groups"].get(k))
            head = [k for k in ("tickers", "from", "to", "data", "baseline") if part.get(k) != study.table.get(k)]
            out.append((name, f"DIFFERS: {', '.join(head + diff[:8])}{' …' if len(diff) > 8 else ''}"))
    return out


def study_chart(table: dict, keys: list[str] | None = None) -> bytes:
    """The outcome-distribution picture of a universe's table (default: all and the kinds)."""
    from bot.charts.odds_chart import render_odds_chart
    from bot.words.study import group_row_label, odds_chart_subtitle, odds_chart_title

    keys = [k for k in keys or ["all", "kind=record", "kind=major", "kind=nearest"] if k in table["groups"]]
    rows = [(group_row_label(k, table["groups"][k]["all"]), table["groups"][k]["all"]) for k in keys]
    return render_odds_chart(odds_chart_title(table), odds_chart_subtitle(table), rows,
                             table["baseline"]["all"]["median_r20"])
