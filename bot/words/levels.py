"""The words of a base's levels (:class:`bot.analysis.levels.Levels`): the breakout line, the
buy range and the invalidation, said as levels and conventions, never as advice.

The same sentences serve announcements, ``base`` (embed and CLI) and replay lines.
"""

from __future__ import annotations

from bot.analysis.levels import BUY_RANGE_PCT, Levels
from bot.words.vocabulary import EN_DASH, pct, price

BUY_RANGE_NAME = f"buy range (IBD's {BUY_RANGE_PCT:g} % convention)"


def line_words(lv: Levels) -> str:
    """'203.00 (a close above it confirms a breakout)'."""
    return f"{price(lv.line)} (a close above it confirms a breakout)"


def buy_range_words(lv: Levels) -> str:
    """'203.00–213.15, IBD's 5 % convention · close 204.10 inside it', or 'extended'."""
    span = f"{price(lv.line)}{EN_DASH}{price(lv.buy_top)}, IBD's {BUY_RANGE_PCT:g} % convention"
    if lv.extended:
        past = (lv.close / lv.buy_top - 1) * 100
        return f"{span} · extended: close {price(lv.close)} is {pct(past, signed=False)} past it"
    if lv.in_buy_range:
        return f"{span} · close {price(lv.close)} inside it"
    return span


def invalidation_words(lv: Levels, *, broken_out: bool = True) -> str:
    """'a close below 197.74 within 30 sessions (-3.1% from 204.10): zone bottom 198.75 less its buffer'.

    Before a breakout (``broken_out`` False) it says what would fail one from the current zone;
    the 8 % rule is then unknown (it is measured from the breakout close) and left out."""
    if lv.rule == "stop":
        what = f"a close at or below {price(lv.invalidation)}"
        why = "8 % under the breakout close"
    else:
        what = f"a close below {price(lv.invalidation)}"
        why = floor_words(lv)
    risk = f"{pct(lv.risk_pct)} from {price(lv.close)}"
    if lv.fails(lv.close):
        return f"{what} ({why}): the close {price(lv.close)} is beyond it"
    if not broken_out:
        return f"a breakout would fail on {what} ({why}; {risk})"
    return f"{what} within {lv.window_days} sessions of the breakout ({risk}; {why})"


def floor_words(lv: Levels) -> str:
    """'the zone's bottom 198.75 less its 0.5 % buffer'."""
    return f"the zone's bottom {price(lv.zone_low)} less its {lv.buffer_pct:g} % buffer"


def levels_fields(lv: Levels, *, broken_out: bool) -> list[tuple[str, str]]:
    """The embed fields (and CLI lines) of the levels."""
    return [
        ("Breakout line", line_words(lv)),
        ("Buy range", buy_range_words(lv)),
        ("Invalidation", invalidation_words(lv, broken_out=broken_out)),
    ]


def levels_line(lv: Levels, *, broken_out: bool) -> str:
    """One compact line: 'line 203.00 · buy range 203.00–213.15 · fails below 197.74 (-3.1%)'."""
    fails = "fails at or below" if lv.rule == "stop" else "fails below"
    extended = " (extended)" if lv.extended else ""
    line = (f"line {price(lv.line)} · buy range {price(lv.line)}{EN_DASH}{price(lv.buy_top)}{extended} · "
            f"{'a breakout ' if not broken_out else ''}{fails} {price(lv.invalidation)} ({pct(lv.risk_pct)})")
    if lv.next_resistance is not None:
        line += f" · next resistance {price(lv.next_resistance)}"
    return line
