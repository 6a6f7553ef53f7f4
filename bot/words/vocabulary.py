"""How the bot writes the small things every sentence is made of: a price, a percent, a zone,
a span of weeks, an ordinal, a date, the dashes, and the words for a base's status.

Every module of :mod:`bot.words` builds on these, so a level reads the same in a headline, an
announcement, an event reason and a chart title.
"""

from __future__ import annotations

from datetime import date

EM_DASH = "—"  # a missing value in reports and embeds, and the break between two clauses
EN_DASH = "–"  # a range (zone 198.75–201.99), and a missing value in announcements and history lines


def price(x: float | None, *, missing: str = EM_DASH) -> str:
    """'1,234.56': a price with thousands separators, as reports, embeds and charts show it."""
    return missing if x is None else f"{float(x):,.2f}"


def plain_price(x: float) -> str:
    """'1234.56': a price inside an event reason or a zone, without thousands separators."""
    return f"{x:.2f}"


def pct(x: float | None, *, signed: bool = True, missing: str = EM_DASH, digits: int = 1) -> str:
    """'+2.4%' (signed) or '2.4%'; a value that rounds to zero is '+0.0%' / '0.0%', never '-0.0%'."""
    if x is None:
        return missing
    v = round(float(x), digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{v:+.{digits}f}%" if signed else f"{v:.{digits}f}%"


def zone(low: float, high: float) -> str:
    """'zone 198.75–201.99', or one level when the zone has no width at cent precision."""
    if f"{low:.2f}" == f"{high:.2f}":
        return f"level {high:.2f}"
    return f"zone {low:.2f}{EN_DASH}{high:.2f}"


def ordinal(n: int) -> str:
    """'1st', '2nd', '3rd', '4th', '11th', '21st'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def times(n: int) -> str:
    """'once', 'twice', '3 times'."""
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def plural(n: int, word: str) -> str:
    """'1 bar', '5 bars'."""
    return f"{n} {word}{'s' if n != 1 else ''}"


def article(n: int) -> str:
    """'a' or 'an' as spoken before the number: an 8-week, an 11-week, an 80-week, a 100-week."""
    digits = str(abs(int(n)))
    spoken_vowel = digits.startswith("8") or (len(digits) in (2, 5) and digits[:2] in ("11", "18"))
    return "an" if spoken_vowel else "a"


def span(weeks: float) -> str:
    """'43-week' or, from 78 weeks on, '2-year' (rounded to half years above 3 years)."""
    if weeks >= 78:
        years = weeks / 52.0
        return f"{years:.1f}-year".replace(".0-", "-") if years < 3 else f"{round(years * 2) / 2:g}-year"
    return f"{weeks:.0f}-week"


def a_span(weeks: float) -> str:
    """'a 43-week', 'an 18-week', 'a 1.7-year', 'an 8-year': the article as the number is spoken."""
    text = span(weeks)
    return f"{article(int(float(text.split('-')[0])))} {text}"


def day(d: date) -> str:
    """'2024-01-05': a date in a sentence."""
    return d.isoformat()


def long_day(d: date) -> str:
    """'Jan 5, 2024': a date in a chart title. Takes a date or a pandas Timestamp."""
    return f"{d.strftime('%b')} {d.day}, {d.year}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# A base's status (BaseResult.status) in words: the chart title says these, the embed's
# Status field the same capitalised.
STATUS_WORDS = {
    "no_base": "no base",
    "in_base": "in base",
    "testing": "testing resistance",
    "pressing": "pressing the breakout line",
    "breakout": "breakout",
    "failed": "failed breakout",
    "faded": "breakout faded",
}
# Where a ticker stands, in a `watch list` line: a status ...
STANDING_WORDS = {**STATUS_WORDS, "in_base": "in its base", "breakout": "broke out"}
# ... or the engine's phase (TickerState.phase) for tickers the scan follows.
PHASE_WORDS = {
    "idle": "no active base",
    "armed": STANDING_WORDS["in_base"],
    "breakout": STANDING_WORDS["breakout"],
    "failed": STATUS_WORDS["failed"],
}
