"""The words of an announcement, from the typed event as it was queued (rows queued by older
versions come back as the same :class:`~bot.analysis.events.types.Event`) and its key. Pure text:
:mod:`bot.app.announce_embeds` turns it into a Discord embed with the chart.

Announcements show a missing value as an en dash (``–``), where reports use an em dash."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.analysis.events.types import Event
from bot.analysis.evidence import Evidence
from bot.analysis.levels import levels_of_event
from bot.analysis.study.table import Odds
from bot.words.events import event_reason
from bot.words.evidence import evidence_lines
from bot.words.levels import levels_fields
from bot.words.study import odds_line
from bot.words.vocabulary import EN_DASH, ordinal, pct, price, span, zone

# The fields short enough to sit side by side in the embed.
INLINE_FIELDS = ("Resistance", "Support", "Level", "Close", "Beyond level", "Volume", "Tests of resistance")


@dataclass(frozen=True)
class Announcement:
    kind: str
    ticker: str
    title: str
    description: str
    fields: tuple[tuple[str, str], ...]
    footer: str
    data_date: date
    key: str


def _price(x: float | None) -> str:
    return price(x, missing=EN_DASH)


def _pct(x: float | None) -> str:
    return pct(x, missing=EN_DASH)


def _weeks(w: float | None) -> int:
    return max(1, round(float(w or 0)))


def _base(e: Event) -> str:
    """'its 88-week base', 'its major 2-year base': the same length the chart and embed show."""
    major = "major " if e.major else ""
    return f"its {major}{span(float(e.base_weeks or 0.0))} base"


def title_for(e: Event) -> str:
    t, kind = e.ticker, e.kind
    if kind == "breakout":
        attempt = int(e.attempt or 1)
        second = " (2nd attempt)" if attempt == 2 else ""
        if attempt > 2:
            second = f" ({ordinal(attempt)} attempt)"
        return f"{t} breaks out of {_base(e)}{second}"
    if kind == "failed":
        return f"{t} breakout fails — back inside the base"
    if kind == "faded":
        return f"{t} breakout fades — back below the breakout within 30 sessions"
    if kind == "busted":
        return f"{t} breakout busted — below the base's support"
    if kind == "testing":
        which = "major resistance" if e.major else "resistance"
        return f"{t} tests {which} for the {ordinal(int(e.test_count or 1))} time"
    return f"{t}: {kind}"


def _description(e: Event) -> str:
    kind = e.kind
    if kind == "breakout":
        vol = " on volume" if e.on_volume else ""
        nxt = e.next_resistance
        overhead = ""
        if nxt is not None:
            overhead = f" Next resistance {_price(nxt)}, {pct((float(nxt) / float(e.close) - 1) * 100, signed=False)} above."
        return f"Closed at {_price(e.close)}, above resistance at {_price(e.level)}{vol}.{overhead}"
    if kind in ("failed", "faded"):
        since = f" on {e.breakout_date}" if e.breakout_date else ""
        return f"Broke out{since} at {_price(e.breakout_close)}; closed back at {_price(e.close)}."
    if kind == "busted":
        return f"Closed at {_price(e.close)}, below support at {_price(e.support)}."
    if kind == "testing":
        where = zone(float(e.zone_low), float(e.zone_high)) if e.zone_low is not None else "zone"
        return f"High reached the resistance {where}; closed back at {_price(e.close)}."
    return event_reason(e)


def _fields(e: Event) -> list[tuple[str, str]]:
    kind = e.kind
    level_name = "Resistance" if kind in ("breakout", "testing") else ("Support" if kind == "busted" else "Level")
    out = [
        (level_name, _price(e.level)),
        ("Close", _price(e.close)),
        ("Beyond level", _pct(e.pct_beyond)),
    ]
    ratio = e.volume_ratio
    if ratio is not None:
        out.append(("Volume", f"{float(ratio):.2f}× 50-day avg" + (" — on volume" if e.on_volume else "")))
    out.append(("Tests of resistance", str(int(e.test_count or 0))))
    if e.next_resistance is not None:
        out.append(("Next resistance", _price(e.next_resistance)))
    if kind in ("failed", "faded", "busted") and e.breakout_close is not None:
        change = (float(e.close) / float(e.breakout_close) - 1.0) * 100.0
        out.append(("Since breakout", f"{_pct(change)} (from {_price(e.breakout_close)} on {e.breakout_date})"))
    if kind in ("breakout", "testing"):
        out.extend(levels_fields(levels_of_event(e), broken_out=kind == "breakout"))
    if e.base_start:
        where = zone(float(e.zone_low), float(e.zone_high)) if e.zone_low is not None else ""
        out.append(("Base", f"since {e.base_start} ({_weeks(e.base_weeks)} weeks), {where}"))
    return out


def _evidence_fields(e: Event, evidence: Evidence | None) -> list[tuple[str, str]]:
    """The evidence lines in one field. The volume line is left out: the Volume field says it."""
    if evidence is None:
        return []
    lines = evidence_lines(replace(evidence, volume_ratio=None))
    return [("Evidence", "\n".join(lines))] if lines else []


def build_announcement(e: Event, key: str = "", evidence: Evidence | None = None, odds: Odds | None = None) -> Announcement:
    """The announcement of event ``e``; ``key`` (its idempotency key) goes in the footer;
    ``evidence``, what the scan saw beside it, one compact line each; ``odds``, a breakout's
    group in the base-rate table, its one line."""
    data_date = e.date
    footer = f"Daily close of {data_date.isoformat()} · not financial advice"
    if key:
        footer += f" · id {key}"
    return Announcement(
        kind=e.kind,
        ticker=e.ticker,
        title=title_for(e),
        description=_description(e),
        fields=tuple(_fields(e) + _evidence_fields(e, evidence) + ([("Odds", odds_line(odds))] if odds else [])),
        footer=footer,
        data_date=data_date,
        key=key,
    )
