"""The words the bot and the CLI use for a result. One place, so both faces say the same."""

from __future__ import annotations

from datetime import date

from bot.analysis.base.params import BaseParams
from bot.analysis.models import BaseResult, Comparison

BREAKOUT_BUFFER = BaseParams().buffer_pct


def price(x: float | None) -> str:
    return "—" if x is None else f"{x:,.2f}"


def pct(x: float | None, *, signed: bool = True) -> str:
    if x is None:
        return "—"
    return f"{x:+.1f}%" if signed else f"{x:.1f}%"


def zone_words(low: float, high: float) -> str:
    """'zone 198.75–201.99', or one level when the zone has no width at cent precision."""
    if f"{low:.2f}" == f"{high:.2f}":
        return f"level {high:.2f}"
    return f"zone {low:.2f}–{high:.2f}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def article(n: int) -> str:
    """'a' or 'an' as spoken before the number: an 8-week, an 11-week, an 80-week, a 100-week."""
    digits = str(abs(int(n)))
    spoken_vowel = digits.startswith("8") or (len(digits) in (2, 5) and digits[:2] in ("11", "18"))
    return "an" if spoken_vowel else "a"


def base_length(result: BaseResult) -> str:
    if result.weeks is None:
        return "—"
    weeks = result.weeks
    if weeks >= 78:
        return f"{weeks:.0f} weeks (~{weeks / 52:.1f} years)"
    return f"{weeks:.0f} weeks"


def record_words(r: BaseResult) -> str:
    """'at a record high, 6.1% above the 2-year base it cleared on 2024-01-19 (479.98)'."""
    rec = r.record
    return (f"at a record high, {pct(rec.pct_above, signed=False)} above the {span(rec.weeks)} base it cleared on "
            f"{rec.cleared_date.isoformat()} ({price(rec.level)})")


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


def major_words(r: BaseResult) -> str:
    """The major base in one line: level, zone, tests, length, where price is."""
    m = r.major
    res = m.resistance
    away = (res.level / m.last_close - 1) * 100
    where = f"{pct(abs(away), signed=False)} {'above' if away >= 0 else 'below'} the close"
    return (f"{price(res.level)} ({zone_words(res.zone_low, res.zone_high)}), {where}; {len(m.tests)} tests since "
            f"{m.tests[0].date.isoformat()}, {a_span(m.weeks or 0.0)} base")


def base_headline(ticker: str, r: BaseResult) -> str:
    major = "major " if r.scale == "major" else ""
    length = f"{major}{span(r.weeks)} " if r.weeks else major
    if r.record is not None:
        return f"{ticker} is {record_words(r)}"
    if r.status == "no_base" or r.resistance is None:
        return f"{ticker}: no base right now"
    if r.status == "testing":
        which = "major " if r.scale == "major" else ""
        return (f"{ticker} is testing {which}resistance at {price(r.resistance.level)} ({ordinal(len(r.tests))} test "
                f"of {a_span(r.weeks or 0.0)} base)")
    if r.status == "breakout":
        return f"{ticker} has broken out of its {length}base"
    if r.status == "failed":
        return f"{ticker}'s breakout failed — back inside its {length}base"
    if r.status == "faded":
        return f"{ticker}'s breakout faded — back below the top of its {length}base"
    if r.status == "pressing":
        return (f"{ticker} closed above the {price(r.resistance.zone_high)} top of its {length}base, inside the "
                f"breakout buffer (line {price(r.resistance.zone_high * (1 + BREAKOUT_BUFFER))})")
    where = f"{pct(abs(r.distance_pct or 0), signed=False)} below resistance"
    if r.weeks:
        return f"{ticker} is in {a_span(r.weeks)} {major}base, {where}"
    return f"{ticker} is in a base, {where}"


def base_fields(r: BaseResult) -> list[tuple[str, str]]:
    """(name, value) pairs: the embed fields and the CLI summary lines."""
    status_words = {
        "no_base": "No base",
        "in_base": "In base",
        "testing": "Testing resistance",
        "pressing": "Pressing the breakout line",
        "breakout": "Breakout",
        "failed": "Failed breakout",
        "faded": "Breakout faded",
    }
    status = status_words.get(r.status, r.status)
    if r.breakout_date is not None and r.status in ("breakout", "failed", "faded"):
        status += f" (broke out {r.breakout_date.isoformat()})"
    fields = [("Status", status)]
    if r.resistance is None or r.support is None:
        fields.append(("Last close", f"{price(r.last_close)} on {r.last_date.isoformat()}"))
        if r.record is not None:
            fields.append(("Record high", record_words(r)))
        elif r.reason:
            fields.append(("Why", r.reason))
        return fields
    res, sup = r.resistance, r.support
    name = "Major resistance" if r.scale == "major" else "Resistance"
    fields.append((name, f"{price(res.level)} ({zone_words(res.zone_low, res.zone_high)})"))
    if r.tests:
        tests = ", ".join(f"{t.date.isoformat()} ({price(t.high)})" for t in r.tests)
        fields.append((f"Tests ({len(r.tests)})", tests))
    fields.append(("Support", f"{price(sup.level)} ({zone_words(sup.zone_low, sup.zone_high)})"))
    base = base_length(r) if r.scale == "nearest" else f"{base_length(r)}, the major base"
    if r.start is not None:
        base += f" since {r.start.isoformat()}"
    if r.depth_pct is not None:
        base += f", {pct(r.depth_pct, signed=False)} deep"
    if r.base_type:
        base += f" ({r.base_type})"
    fields.append(("Base", base))
    fields.append(("Last close", f"{price(r.last_close)} on {r.last_date.isoformat()}"))
    if r.distance_pct is not None:
        fields.append(("To resistance", f"{pct(r.distance_pct)} from {price(res.level)}"))
    if r.major is not None:
        fields.append(("Major resistance", major_words(r)))
    return fields


def lines(headline: str, fields: list[tuple[str, str]], footer: str) -> str:
    body = "\n".join(f"{name}: {value}" for name, value in fields)
    return f"{headline}\n{body}\n{footer}"


def data_footer(data_date: date, source: str, stale: bool) -> str:
    text = f"Data as of {data_date.isoformat()} ({source})"
    if stale:
        text += " — the data source is unavailable, showing cached data"
    return text


def returns_table(c: Comparison) -> str:
    """A monospace table of period returns, best first."""
    width = max(len(t) for t in c.tickers)
    rows = sorted(c.returns.items(), key=lambda kv: kv[1], reverse=True)
    out = [f"{'':{width}}  {c.period.upper():>8}"]
    out += [f"{t:{width}}  {r:>+7.1f}%" for t, r in rows]
    return "\n".join(out)


def comparison_fields(c: Comparison) -> list[tuple[str, str]]:
    fields = [(f"Returns {c.period.upper()} ({c.start.isoformat()} → {c.end.isoformat()})", f"```\n{returns_table(c)}\n```")]
    if c.ratio is not None and len(c.tickers) >= 2:
        a, b = c.tickers[0], c.tickers[1]
        value = float(c.ratio.iloc[-1])
        verdict = "outperformed" if value > 1 else "underperformed" if value < 1 else "matched"
        gap = pct(abs(value - 1) * 100, signed=False)
        fields.append((f"Ratio {a}/{b}", f"{value:.3f} — {a} {verdict} {b} by {gap}"))
    return fields


def comparison_headline(c: Comparison) -> str:
    return f"{' vs '.join(c.tickers)} · {c.period.upper()}"
