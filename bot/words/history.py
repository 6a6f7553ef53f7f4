"""The words of `history TICKER` (the bot) and ``history`` (the CLI): a ticker's past breakouts
and how each one ended. ``o`` is a :class:`bot.analysis.events.outcomes.BreakoutOutcome` (imported
for its type only: that module is the replay's, not a type module)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.words.vocabulary import EN_DASH, day, pct, plural, price

if TYPE_CHECKING:
    from bot.analysis.events.outcomes import BreakoutOutcome

FATE_WORDS = {"held": "✅ held", "failed": "❌ failed", "faded": "↘️ faded", "busted": "💥 busted",
              "pending": "⏳ too early to tell"}
NO_BREAKOUT = "No breakout from a base in that time."


def _pct(x: float | None) -> str:
    return pct(x, missing=EN_DASH)


def outcome_line(o: BreakoutOutcome) -> str:
    ended = o.busted_date or o.failed_date
    fate = FATE_WORDS.get(o.outcome, o.outcome) + (f" {day(ended)}" if ended else "")
    vol = " on volume" if o.on_volume else ""
    attempt = f" (attempt {o.attempt})" if o.attempt > 1 else ""
    return (f"**{day(o.date)}** close {price(o.close)} over {price(o.level)}{vol}{attempt} — {fate} · "
            f"10 bars {_pct(o.move_10_pct)}, 30 bars {_pct(o.move_30_pct)}, worst {_pct(o.max_drawdown_pct)}")


def history_title(ticker: str, outcomes: Sequence[BreakoutOutcome], years: int) -> str:
    """'IWM: 4 breakouts in the last 3 years — 1 held, 2 failed, 1 faded'."""
    title = f"{ticker}: {plural(len(outcomes), 'breakout')} in the last {plural(years, 'year')}"
    if outcomes:
        held = sum(o.outcome == "held" for o in outcomes)
        failed = sum(o.outcome in ("failed", "busted") for o in outcomes)  # busted: failed, then below support
        faded = sum(o.outcome == "faded" for o in outcomes)
        title += f" — {held} held, {failed} failed" + (f", {faded} faded" if faded else "")
    return title


def history_lines(outcomes: Sequence[BreakoutOutcome]) -> tuple[str, ...]:
    return tuple(outcome_line(o) for o in outcomes) or (NO_BREAKOUT,)


def history_footer(last: date) -> str:
    return f"Daily closes to {day(last)} · moves vs the breakout close"


# ---------------------------------------------------------------- the CLI's `history`

def cli_history_headline(ticker: str, outcomes: Sequence[BreakoutOutcome]) -> str:
    return f"{ticker}: {plural(len(outcomes), 'breakout')}"


def _cli_pct(x: float | None) -> str:
    return f"{pct(x, missing='-'):>7}"


# the tags column is as wide as its widest value ("on volume, attempt 2"), so the columns after
# it line up whatever a breakout carries
_TAGS_WIDTH = len("on volume, attempt 9")


def cli_outcome_line(o: BreakoutOutcome) -> str:
    end_date = o.busted_date or o.failed_date
    fate = f"{o.outcome}{f' {end_date}' if end_date else ''}"
    tags = ", ".join(t for t in ("on volume" if o.on_volume else "",
                                 f"attempt {o.attempt}" if o.attempt > 1 else "") if t)
    return (f"{o.date}  close {o.close:>9.2f} over {o.level:>9.2f}  {tags:<{_TAGS_WIDTH}}  {fate:<18} "
            f"10 bars {_cli_pct(o.move_10_pct)}  30 bars {_cli_pct(o.move_30_pct)}  "
            f"max drawdown {_cli_pct(o.max_drawdown_pct)}")
