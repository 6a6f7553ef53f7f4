"""The words of a base (``base TICKER``): the headline, the embed's fields and the CLI summary
lines, and the one short sentence on why (``base_reason``) the JSON document carries."""

from __future__ import annotations

from typing import Any

from bot.analysis.base.params import BaseParams
from bot.analysis.evidence import Evidence
from bot.analysis.levels import Levels, levels_of_result
from bot.analysis.models import BaseResult, NoBase
from bot.words.evidence import evidence_lines
from bot.words.levels import levels_fields
from bot.words.vocabulary import EM_DASH, EN_DASH, STATUS_WORDS, a_span, capitalised, day, ordinal, pct, price, span, zone

BREAKOUT_BUFFER = BaseParams().buffer_pct
# The fields short enough to sit side by side in the embed.
INLINE_FIELDS = ("Status", "Resistance", "Support", "Last close")


def base_length(result: BaseResult) -> str:
    if result.weeks is None:
        return EM_DASH
    weeks = result.weeks
    if weeks >= 78:
        return f"{weeks:.0f} weeks (~{weeks / 52:.1f} years)"
    return f"{weeks:.0f} weeks"


def record_words(r: BaseResult) -> str:
    """'at a record high, 6.1% above the 2-year base it cleared on 2024-01-19 (479.98)'."""
    rec = r.record
    if rec is None:
        raise ValueError("a result without a record high")
    return (f"at a record high, {pct(rec.pct_above, signed=False)} above the {span(rec.weeks)} base it cleared on "
            f"{day(rec.cleared_date)} ({price(rec.level)})")


def major_words(r: BaseResult) -> str:
    """The major base in one line: level, zone, tests, length, where price is."""
    m = r.major
    if m is None:
        raise ValueError("a result without a major base")
    res, _ = m.base_levels()
    away = (res.level / m.last_close - 1) * 100
    where = f"{pct(abs(away), signed=False)} {'above' if away >= 0 else 'below'} the close"
    return (f"{price(res.level)} ({zone(res.zone_low, res.zone_high)}), {where}; {len(m.tests)} tests since "
            f"{day(m.tests[0].date)}, {a_span(m.weeks or 0.0)} base")


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
    status = capitalised(STATUS_WORDS[r.status]) if r.status in STATUS_WORDS else r.status
    if r.breakout_date is not None and r.status in ("breakout", "failed", "faded"):
        status += f" (broke out {day(r.breakout_date)})"
    lv = levels_of_result(r)
    status += line_standing(r, lv)
    fields = [("Status", status)]
    if r.resistance is None or r.support is None:
        fields.append(("Last close", f"{price(r.last_close)} on {day(r.last_date)}"))
        if r.record is not None:
            fields.append(("Record high", record_words(r)))
        elif base_reason(r):
            fields.append(("Why", base_reason(r)))
        return fields
    res, sup = r.resistance, r.support
    name = "Major resistance" if r.scale == "major" else "Resistance"
    fields.append((name, f"{price(res.level)} ({zone(res.zone_low, res.zone_high)})"))
    if r.tests:
        tests = ", ".join(f"{day(t.date)} ({price(t.high)})" for t in r.tests)
        fields.append((f"Tests ({len(r.tests)})", tests))
    fields.append(("Support", f"{price(sup.level)} ({zone(sup.zone_low, sup.zone_high)})"))
    base = base_length(r) if r.scale == "nearest" else f"{base_length(r)}, the major base"
    if r.start is not None:
        base += f" since {day(r.start)}"
    if r.depth_pct is not None:
        base += f", {pct(r.depth_pct, signed=False)} deep"
    if r.base_type:
        base += f" ({r.base_type})"
    fields.append(("Base", base))
    fields.append(("Last close", f"{price(r.last_close)} on {day(r.last_date)}"))
    if r.distance_pct is not None:
        fields.append(("To resistance", f"{pct(r.distance_pct)} from {price(res.level)}"))
    if lv is not None:
        fields.extend(levels_fields(lv, broken_out=r.status == "breakout"))
    if r.major is not None:
        fields.append(("Major resistance", major_words(r)))
    return fields


def line_standing(r: BaseResult, lv: Levels | None) -> str:
    """What the status alone would hide: a breakout whose close is back at or under the line,
    a failed or faded one whose close is back above it (' · back at the line, -0.4%')."""
    if lv is None:
        return ""
    away = (lv.close / lv.line - 1) * 100
    if r.status == "breakout" and lv.close <= lv.line:
        return f" · back at the line, {pct(away)}"
    if r.status in ("failed", "faded") and lv.close > lv.line:
        return f" · back above the line, {pct(away)}"
    return ""


# ---------------------------------------------------------------- why: one short sentence

RECORD_REASON = "At a record high, no ceiling above."


def no_base_words(why: NoBase) -> str:
    """The rule the nearest candidate failed: 'resistance near 201.99 was tested only once'."""
    if why.rule == "too_few_bars":
        return "too few bars"
    if why.rule == "no_resistance":
        return "no resistance level found"
    if why.rule == "tested_once":
        return f"resistance near {why.price:.2f} was tested only once"
    if why.rule == "too_few_tests":
        return f"resistance near {why.price:.2f} was tested only {why.tests} times"
    if why.rule == "too_young":
        return f"range is only {why.weeks:.1f} weeks old"
    if why.rule == "too_deep":
        return f"range is {why.depth_pct:.0f}% deep, too deep for a base"
    if why.rule == "closed_above":
        return f"price closed above {why.price:.2f} after testing it"
    if why.rule == "breaking_down":
        return "price is breaking down to new lows"
    return why.rule.replace("_", " ")


def base_reason(r: BaseResult) -> str:
    """'inside a base 162.50–199.26; 4 tests since 2022-08-16.', 'No base: …', or the record."""
    if r.record is not None:
        return RECORD_REASON
    if r.why is not None:
        return f"No base: {no_base_words(r.why)}."
    if r.resistance is None or r.support is None or not r.tests:
        return ""
    res = r.resistance
    what = {
        "testing": f"testing resistance {res.level:.2f} (test #{len(r.tests)})",
        "pressing": f"closed above the {res.zone_high:.2f} zone top, inside the breakout buffer",
        "in_base": f"inside a base {r.support.level:.2f}{EN_DASH}{res.level:.2f}",
        "breakout": f"broke out above {res.zone_high:.2f}",
        "failed": f"breakout above {res.zone_high:.2f} failed",
        "faded": f"breakout above {res.zone_high:.2f} faded",
    }[r.status]
    return f"{what}; {len(r.tests)} tests since {day(r.tests[0].date)}."


def base_dict(r: BaseResult) -> dict[str, Any]:
    """``r.to_dict()`` with each base's ``base_reason`` under "reason" (after "support", where
    the JSON document has always had it), the major base's included."""
    out: dict[str, Any] = {}
    for key, value in r.to_dict().items():
        out[key] = value
        if key == "support":
            out["reason"] = base_reason(r)
    lv = levels_of_result(r)
    out["levels"] = lv.to_dict() if lv is not None else None
    if r.major is not None:
        out["major"] = base_dict(r.major)
    return out


def evidence_fields(evidence: Evidence | None) -> list[tuple[str, str]]:
    """The evidence beside a base, one compact line each, in one field (none when the data
    supports none of it)."""
    lines = evidence_lines(evidence) if evidence is not None else []
    return [("Evidence", "\n".join(lines))] if lines else []
