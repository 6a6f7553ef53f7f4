"""The sentence of an event (``Event.reason`` of old): what the close did and to which base.

The engine returns data (:class:`bot.analysis.events.types.Event`); these functions say it, for
the outbox payload, the CLI's ``replay`` and the announcement of an unknown kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.analysis.events.types import Event
from bot.analysis.levels import levels_of_event
from bot.words.vocabulary import a_span, day, ordinal, pct, plain_price, plural, times, zone


def _volume(e: Event) -> str:
    """', on 1.6x average volume', ', on light volume (0.6x average)', or nothing."""
    vr = e.volume_ratio
    if vr is None:
        return ""
    if e.on_volume:
        return f", on {vr:.1f}x average volume"
    return f", on {'light' if vr < 1.0 else 'ordinary'} volume ({vr:.1f}x average)"


def _base(e: Event) -> str:
    return f"{a_span(e.base_weeks)} base"


def _breakout(e: Event) -> tuple[date, float]:
    """(day, close) of the breakout a failed, faded or busted event follows."""
    if e.breakout_date is None or e.breakout_close is None:
        raise ValueError(f"a {e.kind} event without its breakout")
    return e.breakout_date, e.breakout_close


def _test_high(e: Event) -> float:
    if e.test_high is None:
        raise ValueError("a testing event without its test's high")
    return e.test_high


def breakout_reason(e: Event) -> str:
    attempt = f" ({ordinal(e.attempt)} attempt)" if e.attempt > 1 else ""
    overhead = ""
    if e.next_resistance is not None:
        overhead = (f" Next resistance {plain_price(e.next_resistance)}, "
                    f"{pct((e.next_resistance / e.close - 1) * 100, signed=False)} above.")
    return (f"{e.ticker} closed at {plain_price(e.close)}, {pct(e.pct_beyond, signed=False)} above the "
            f"{plain_price(e.level)} resistance ({zone(e.zone_low, e.zone_high)}) of {_base(e)} "
            f"tested {times(e.test_count)}{_volume(e)}{attempt}.{overhead}")


def failed_reason(e: Event) -> str:
    """A failed or faded breakout: back inside the base, or down to the stop."""
    later = plural(e.bars_since_breakout or 0, "bar")
    broke, broke_close = _breakout(e)
    if e.back_inside:  # e.level: the zone's bottom less its buffer, the line the close fell through
        return (f"{e.ticker} closed at {plain_price(e.close)}, back inside the base below {plain_price(e.level)} "
                f"(the zone's bottom {plain_price(e.zone_low)} less its buffer), "
                f"{later} after the {day(broke)} breakout at {plain_price(broke_close)}.")
    return (f"{e.ticker} closed at {plain_price(e.close)}, "
            f"{pct((1 - e.close / broke_close) * 100, signed=False)} below the "
            f"{day(broke)} breakout close of {plain_price(broke_close)}, {later} later.")


def busted_reason(e: Event) -> str:
    return (f"{e.ticker} closed at {plain_price(e.close)}, below the {plain_price(e.level)} support after the failed "
            f"{day(_breakout(e)[0])} breakout: the base is broken.")


def testing_reason(e: Event) -> str:
    where = zone(e.zone_low, e.zone_high)
    if e.pushed_above:
        reached = f"pushed above the resistance {where} to {plain_price(_test_high(e))}"
    else:
        reached = f"reached the resistance {where} (high {plain_price(_test_high(e))})"
    return (f"{e.ticker} {reached} and closed back at {plain_price(e.close)}: the {ordinal(e.test_count)} test of "
            f"{plain_price(e.level)} in {_base(e)}.")


_REASONS = {"breakout": breakout_reason, "failed": failed_reason, "faded": failed_reason, "busted": busted_reason,
            "testing": testing_reason}


def event_reason(e: Event) -> str:
    """'IWM closed at 204.10, 2.4% above the 199.26 resistance (zone 198.75–201.99) of a 1.7-year
    base tested 4 times, on light volume (0.6x average). Next resistance 234.08, 14.7% above.'"""
    return _REASONS[e.kind](e)


def event_dict(e: Event) -> dict[str, Any]:
    """``e.to_dict()`` with its sentence under "reason": the outbox payload (plus its key) and
    the CLI's ``replay --json``."""
    return {**e.to_dict(), "reason": event_reason(e)}


# ---------------------------------------------------------------- the CLI's `replay`

def replay_dict(e: Event) -> dict[str, Any]:
    """:func:`event_dict` with, for a breakout or a test, its levels (the announcement's breakout
    line, buy range and invalidation): the CLI's ``replay --json``."""
    out = event_dict(e)
    if e.kind in ("breakout", "testing"):
        out["levels"] = levels_of_event(e).to_dict()
    return out


def replay_headline(ticker: str, events: Sequence[Event], start: date, end: date) -> str:
    return f"{ticker}: {plural(len(events), 'event')} from {start} to {end}"


def replay_line(e: Event) -> str:
    return f"{e.date}  {e.kind:<8}  close {e.close:>9.2f}  level {e.level:>9.2f}  {event_reason(e)}"
