"""The words of a breakout's thread: its name, and each follow-up (:class:`FollowUp`) as a title
and a few lines. Levels and past rates, said as such, never as advice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.analysis.events.followups import FollowUp
from bot.words.study import VALUE_NAMES, universe_name
from bot.words.vocabulary import EN_DASH, day, pct, price

THREAD_NAME_MAX = 100  # Discord's limit for a thread's name

OUTCOME_WORDS = {"held": "held", "failed": "failed", "faded": "faded", "busted": "busted",
                 "pending": "still open"}


@dataclass(frozen=True)
class FollowUpText:
    kind: str
    title: str
    lines: tuple[str, ...]
    footer: str


def thread_name(ticker: str, breakout_day: date) -> str:
    """'IWM breakout 2023-12-26'."""
    return f"{ticker} breakout {day(breakout_day)}"[:THREAD_NAME_MAX]


def _session(f: FollowUp) -> str:
    return f"session {f.session} after the breakout"


def rates_line(rates: dict[str, Any] | None) -> str:
    """How often past breakouts like this came back to the line and resumed."""
    if not rates:
        return ""
    if rates.get("source") == "study":
        what = ", ".join(VALUE_NAMES.get(tuple(p), "=".join(p)) for p in rates.get("group") or []) or "all"
        years = f"{str(rates['from'])[:4]}{EN_DASH}{str(rates['to'])[:4]}"
        resumed = (f"; of those, {rates['resumed']:.0f}% closed above the breakout close again within 60 sessions"
                   if rates.get("resumed") is not None else "")
        return (f"Of {rates['n']:,} past breakouts like this ({what}; {universe_name(rates['universe'])} {years}), "
                f"{rates['throwback']:.0f}% came back to the line within 10 sessions{resumed}.")
    return (f"Bulkowski counts {rates['throwback']:.0f}% of {rates['n']:,} upward breakouts throwing back within "
            "about 10 days, most of them then resuming.")


def follow_up_text(f: FollowUp) -> FollowUpText:
    """The follow-up's title and lines (the footer carries ``key``, for the outbox's find-posted)."""
    d, t = f.data, f.ticker
    lines: tuple[str, ...]
    outcome = OUTCOME_WORDS.get(d.get("outcome") or "", d.get("outcome"))
    close = f"close {price(f.close)} ({pct(d.get('pct_from_line'))} from the line {price(d.get('line'))})"
    if f.kind == "day1":
        title = f"{t} day 1: held above the line" if d.get("held") else f"{t} day 1: back at or below the line"
        lines = (close,)
    elif f.kind == "throwback":
        fails = "at or below" if d.get("rule") == "stop" else "below"
        title = f"{t} throws back to its zone"
        lines = (
            f"{close}, back at the zone {price(d.get('zone_low'))}{EN_DASH}{price(d.get('zone_high'))}.",
            "A throwback to the line is normal after a breakout.",
            rates_line(d.get("rates")),
            f"The breakout fails on a close {fails} {price(d.get('invalidation'))} within 30 sessions of it.",
        )
    elif f.kind == "extended":
        title = f"{t} is extended past its buy range"
        lines = (f"{close}: above the buy range's top {price(d.get('buy_top'))} (IBD's 5 % convention).",)
    elif f.kind in ("up10", "up20"):
        title = f"{t} is up {d.get('pct', 0):g} % from the line"
        lines = (f"{close}: at or above {price(d.get('target'))}.",)
    elif f.kind in ("failed", "faded"):
        title = f"{t} breakout {'fails' if f.kind == 'failed' else 'fades'}"
        how = "back below the zone" if d.get("back_inside") else "8 % under the breakout close"
        lines = (f"close {price(f.close)}: {how} ({price(d.get('level'))}), {_session(f)}.",)
    elif f.kind == "busted":
        title = f"{t} breakout busts"
        lines = (f"close {price(f.close)}: below the base's support ({price(d.get('level'))}), {_session(f)}.",)
    else:  # summary
        title = f"{t} breakout {day(f.breakout)}: {outcome}"
        failed = f" (failing close {d['failed_date']})" if d.get("failed_date") else ""
        lines = (
            f"Outcome after {d.get('sessions')} sessions: {outcome}"
            f"{failed}.",
            f"Best gain {pct(d.get('best_gain_pct'))} · worst drawdown {pct(d.get('worst_drawdown_pct'))} "
            f"(from the breakout close {price(d.get('breakout_close'))}).",
            f"10 bars {pct(d.get('move_10_pct'))} · 30 bars {pct(d.get('move_30_pct'))}.",
            "This thread is closed.",
        )
    return FollowUpText(f.kind, title, tuple(x for x in lines if x), f"{day(f.date)} · {_session(f)}")


def follow_up_line(f: FollowUp) -> str:
    """One line of ``replay --followups``: '  2023-12-29  throwback  IWM throws back … | close …'."""
    text = follow_up_text(f)
    return f"  {day(f.date)}  {f.kind:<9}  {text.title} {EN_DASH} " + " ".join(text.lines)
