"""The words of the intraday watch: "crossing now", once, and how the close settled it; and the
offline twin's (``python -m bot intraday``) lines around them. Levels as levels, never advice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.words.vocabulary import day, pct, price

WITHIN_WORDS = "the watch takes tickers within 3% of their line"


def _at(when: datetime) -> str:
    return f"{when:%H:%M} ET"


def _pace(pace: float | None) -> str:
    if pace is None:
        return "volume pace not known"
    return f"volume pace {pace:.1f}× its usual by this time of day"


def crossing_notice(ticker: str, line: float, quote: float, quote_at: datetime, pace: float | None, up: bool) -> str:
    """'IWM crossing 203.00 now: 203.12 at 12:50 ET (volume pace 1.3× its usual by this time of
    day)'; a breakout's invalidation from above: 'IWM crossing below its invalidation 197.74
    now: …'. ``quote_at`` is the quote's own time (exchange time), which may lag the round."""
    what = price(line) if up else f"below its invalidation {price(line)}"
    return f"{ticker} crossing {what} now: {price(quote)} at {_at(quote_at)} ({_pace(pace)})"


def settled(outcome: str, close: float, up: bool, *, reason: str = "", line: float | None = None) -> str:
    """The close's reply to the crossing notice. ``reason`` ``not_counted``: the close was past
    ``line`` but the daily rules do not count it (no new breakout, or no failure)."""
    if outcome != "confirmed" and reason == "not_counted" and line is not None:
        what = "not a new breakout" if up else "not a failed breakout"
        return f"withdrawn: closed at {price(close)}, past {price(line)} but {what} by the daily rules"
    if outcome == "confirmed":
        return f"confirmed: closed at {price(close)}" + ("" if up else ", below the invalidation")
    return f"withdrawn: closed back at {price(close)}, " + ("inside the base" if up else "above the invalidation")


def settled_footer(outcome: str, close: float, session: date) -> str:
    """The crossing notice's footer once settled, for a reader scrolling up."""
    return f"{'Confirmed' if outcome == 'confirmed' else 'Withdrawn'} at the close of {day(session)}: {price(close)}"


def watching_line(ticker: str, session: date, status: str, line: float, prev_close: float, gap_pct: float,
                  up: bool) -> str:
    """'IWM on 2023-12-26: watching the breakout line 203.00 (last close 201.48, 0.7% below it; testing)'."""
    what = "the breakout line" if up else "the invalidation"
    side = "below" if up else "above"
    return (f"{ticker} on {day(session)}: watching {what} {price(line)} (last close {price(prev_close)}, "
            f"{pct(abs(gap_pct), signed=False)} {side} it; {status.replace('_', ' ')})")


def not_watched_line(ticker: str, session: date, line: float, prev_close: float, gap_pct: float, up: bool) -> str:
    what = "the breakout line" if up else "the invalidation"
    side = "below" if up else "above"
    return (f"{ticker} on {day(session)}: not on the watch: the last close {price(prev_close)} was "
            f"{pct(gap_pct, signed=False)} {side} {what} {price(line)} ({WITHIN_WORDS}).")


def no_base_line(ticker: str, session: date) -> str:
    return f"{ticker} on {day(session)}: no base at the last close, so no line to watch."


def no_crossing_line(line: float, rounds: int, up: bool) -> str:
    side = "above" if up else "below"
    return f"No crossing: no usable quote went {side} {price(line)} in {rounds} rounds; nothing posted."


def bars_source_line(ticker: str, from_file: bool) -> str:
    if from_file:
        return f"5-minute bars: {ticker}.5m.csv"
    return f"5-minute bars: synthetic, built from the day's daily bar (no {ticker}.5m.csv)"


def skipped_line(skipped: dict[str, Any]) -> str:
    """'Rounds not used: 3 stale, 1 implausible' (the log's, never the channel's); '' when none."""
    if not skipped:
        return ""
    return "Rounds not used: " + ", ".join(f"{n} {why}" for why, n in sorted(skipped.items()))


# ---- the Discord notice and the close's reply ------------------------------------------------
def notice_title(ticker: str, line: float, up: bool) -> str:
    """'IWM crossing 203.00 now' (a breakout's invalidation: 'IWM crossing below 197.74 now')."""
    return f"{ticker} crossing {'' if up else 'below '}{price(line)} now"


def notice_lines(prev_close: float, up: bool) -> str:
    """What the notice is and is not: a price during the session, not a close."""
    what = "a breakout" if up else "a failed breakout"
    return (f"Last close {price(prev_close)}. Intraday price, not a close: only the close can make it {what}. "
            "The reply at the close says whether it did.")


def notice_footer(session: date, key: str) -> str:
    return f"Intraday · {day(session)} · levels, not advice · id {key}"


def settled_notice_footer(outcome: str, close: float, session: date, key: str) -> str:
    """The notice's footer once the close settled it (the key stays: the notice is found by it)."""
    return f"{settled_footer(outcome, close, session)} · levels, not advice · id {key}"


def reply_footer(session: date, key: str) -> str:
    return f"Close of {day(session)} · id {key}"


def linked_line(url: str) -> str:
    """The confirmed reply's link to the day's announcement."""
    return f"Today's announcement: {url}"


def noticed_line(url: str) -> str:
    """The day's announcement's link back to the "crossing now" notice of the session."""
    return f"Seen crossing during the session: {url}"


def quote_time_line(quote_at: datetime) -> str:
    return f"Quote of {_at(quote_at)} (quotes may be delayed)"


def intraday_level_title(ticker: str, kind: str, level: float, quote: float, quote_at: datetime) -> str:
    """A member's level alert crossed during the session: 'IWM traded above 202.50 at 203.12 (12:50 ET)'."""
    return f"{ticker} traded {kind} {price(level)} at {price(quote)} ({_at(quote_at)})"


def intraday_firing_footer(session: date, key: str) -> str:
    return f"Intraday, {day(session)} · your personal alert · not financial advice · id {key}"


def intraday_chart_title(ticker: str) -> str:
    return f"{ticker} today, 5-minute bars"


def intraday_chart_subtitle(first: datetime, last: datetime) -> str:
    return f"{first:%Y-%m-%d} {first:%H:%M}–{last:%H:%M} ET (bar starts) · dashed: the line"
