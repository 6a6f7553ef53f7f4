"""The words of ``scorecard``: a server's own record of the breakouts it was sent.

Past results, said as such: never a forecast, never advice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.analysis.events.scorecard import OUTCOMES, PERIODS, Scored, Tally
from bot.words.followups import OUTCOME_WORDS
from bot.words.study import signed
from bot.words.vocabulary import EN_DASH, day, plural

PERIOD_WORDS = {"30d": "the last 30 days", "90d": "the last 90 days", "1y": "the last year", "all": "all time"}
BAD_PERIOD = f"Give a period: {', '.join(PERIODS)} (for example `scorecard 90d`)."
GROUP_WORDS = {
    ("all", None): "all alerts",
    ("kind", "record"): "record high",
    ("kind", "major"): "major base",
    ("kind", "nearest"): "nearest base",
    ("volume", "heavy"): "vol ≥ 1.4×",
    ("volume", "light"): "vol < 1.4×",
    ("market", "uptrend"): "mkt uptrend",
    ("market", "under_pressure"): "mkt pressured",
    ("market", "correction"): "mkt correction",
}
DIMENSION_WORDS = {"kind": "kind", "volume": "volume", "market": "market"}
_LABEL = 14


def period_words(period: str) -> str:
    return PERIOD_WORDS.get(period, period)


def empty_line(period: str) -> str:
    """The whole answer when the server was sent no breakout in the period."""
    return (f"No breakout alerts were posted in this server in {period_words(period)}, so there is no record "
            "to show yet. Alerts count from the day they are posted.")


def headline(n: int, period: str) -> str:
    return f"Scorecard: {plural(n, 'breakout alert')} this server was sent, {period_words(period)}"


def outcome_word(outcome: str) -> str:
    return OUTCOME_WORDS.get(outcome, outcome)


def outcome_counts(t: Tally) -> str:
    """'held 3 · failed 2 · faded 1 · busted 0 · still open 1'."""
    return " · ".join(f"{outcome_word(k)} {t.outcomes.get(k, 0)}" for k in OUTCOMES)


def group_label(t: Tally) -> str:
    return GROUP_WORDS.get((t.dim, t.value), f"{DIMENSION_WORDS.get(t.dim, t.dim)} {t.value}")


def _rate(x: float | None) -> str:
    return EN_DASH if x is None else f"{x:.0f}%"


def record_table(tallies: Sequence[Tally]) -> str:
    """A monospace table: per group the alerts, how many are still open, the held rate of the
    others beside the base rate's, and the medians of the 10- and 30-bar moves and the best gain."""
    head = f"{'group':<{_LABEL}} {'n':>3} {'open':>4} {'held':>4} {'base':>4} {'10b':>6} {'30b':>6} {'best':>6}"
    lines = [head]
    for t in tallies:
        lines.append(f"{group_label(t)[:_LABEL]:<{_LABEL}} {t.n:>3} {t.outcomes.get('pending', 0):>4} "
                     f"{_rate(t.held_pct):>4} {_rate(t.base_held_pct):>4} {signed(t.median_move_10):>6} "
                     f"{signed(t.median_move_30):>6} {signed(t.median_best_gain):>6}")
    return "\n".join(lines)


def alert_line(a: Scored) -> str:
    """'**IWM** 2023-12-26 · failed · 10 bars −2.1% · 30 bars +1.2% · best +1.5%'."""
    parts = [f"**{a.ticker}** {day(a.date)}", outcome_word(a.outcome)]
    if a.move_10_pct is not None:
        parts.append(f"10 bars {signed(a.move_10_pct)}")
    if a.move_30_pct is not None:
        parts.append(f"30 bars {signed(a.move_30_pct)}")
    if a.best_gain_pct is not None:
        parts.append(f"best {signed(a.best_gain_pct)}")
    if a.outcome == "pending":
        parts.append(f"after {plural(a.sessions, 'session')}")
    return " · ".join(parts)


def alert_lines(alerts: Sequence[Scored]) -> tuple[str, ...]:
    """One line per alert, the newest first."""
    newest = sorted(alerts, key=lambda a: (a.date, a.ticker), reverse=True)
    return tuple(alert_line(a) for a in newest)


def more_alerts(n: int) -> str:
    """The last line of a list cut short."""
    return f"…and {plural(n, 'older alert')} (a shorter period, such as `scorecard 30d`, lists fewer)."


ALERTS_FIELD = "Each alert, newest first"


def notes(table_years: str | None) -> tuple[str, ...]:
    base = (f"base: the held rate of the study's past breakouts in the same group ({table_years}; its "
            "market state is SPY's)" if table_years else "base: no base-rate table to compare with")
    return (
        "held: no failing close within 30 sessions; held counts the alerts no longer open; 10b/30b: "
        "the median close 10 and 30 bars after the breakout close; best: the median best gain.",
        base + ". Past results, not a forecast.",
        "Each alert is scored on the levels it was posted with and the bars since: a later change of "
        "the rules never rescores it.",
    )


def footer(first: date, last: date, prices_to: date | None) -> str:
    span = day(first) if first == last else f"{day(first)}{EN_DASH}{day(last)}"
    prices = f" · prices to {day(prices_to)}" if prices_to is not None else ""
    return f"alerts posted {span}{prices}"


def table_years(table: dict[str, Any]) -> str | None:
    parts = table.get("universes", {})
    starts = [p["from"] for p in parts.values() if p.get("from")]
    ends = [p["to"] for p in parts.values() if p.get("to")]
    if not starts or not ends:
        return None
    a, b = min(starts)[:4], max(ends)[:4]
    return a if a == b else f"{a}{EN_DASH}{b}"


# ---------------------------------------------------------------- the picture

def chart_title(n: int) -> str:
    return f"This server's breakout alerts: {plural(n, 'alert')}"


def chart_subtitle(period: str, tally_all: Tally | None) -> str:
    held = f" · held {_rate(tally_all.held_pct)} of those closed" if tally_all is not None else ""
    return f"each dot one alert, on its day and its outcome · {period_words(period)}{held}"


def chart_rows(tally_all: Tally) -> list[tuple[str, str]]:
    """(outcome, its row label with the count), top row first."""
    return [(k, f"{outcome_word(k)} ({tally_all.outcomes.get(k, 0)})") for k in OUTCOMES]


# ---------------------------------------------------------------- the CLI twin

def cli_lines(headline_text: str, counts: str, table: str, lines: Sequence[str], notes_text: Sequence[str],
              footer_text: str) -> list[str]:
    plain = [line.replace("**", "") for line in lines]
    return [headline_text, counts, "", table, "", *plain, "", *notes_text, footer_text]
