"""The words of an announcement, from an outbox payload (:func:`bot.words.events.event_dict` +
``key``; rows queued by older versions have the same keys). Pure text: :mod:`bot.app.announce_embeds`
turns it into a Discord embed with the chart.

Announcements show a missing value as an en dash (``–``), where reports use an em dash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


def _price(x) -> str:
    return price(x, missing=EN_DASH)


def _pct(x) -> str:
    return pct(x, missing=EN_DASH)


def _weeks(w) -> int:
    return max(1, round(float(w or 0)))


def _base(e: dict) -> str:
    """'its 88-week base', 'its major 2-year base': the same length the chart and embed show."""
    major = "major " if e.get("major") else ""
    return f"its {major}{span(float(e.get('base_weeks') or 0.0))} base"


def title_for(e: dict) -> str:
    t, kind = e["ticker"], e["event"]
    if kind == "breakout":
        second = " (2nd attempt)" if int(e.get("attempt") or 1) == 2 else ""
        if int(e.get("attempt") or 1) > 2:
            second = f" ({ordinal(int(e['attempt']))} attempt)"
        return f"{t} breaks out of {_base(e)}{second}"
    if kind == "failed":
        return f"{t} breakout fails — back inside the base"
    if kind == "faded":
        return f"{t} breakout fades — back below the breakout within 30 sessions"
    if kind == "busted":
        return f"{t} breakout busted — below the base's support"
    if kind == "testing":
        which = "major resistance" if e.get("major") else "resistance"
        return f"{t} tests {which} for the {ordinal(int(e.get('test_count') or 1))} time"
    return f"{t}: {kind}"


def _description(e: dict) -> str:
    kind = e["event"]
    if kind == "breakout":
        vol = " on volume" if e.get("on_volume") else ""
        nxt = e.get("next_resistance")
        overhead = ""
        if nxt is not None:
            overhead = f" Next resistance {_price(nxt)}, {pct((float(nxt) / float(e['close']) - 1) * 100, signed=False)} above."
        return f"Closed at {_price(e['close'])}, above resistance at {_price(e['level'])}{vol}.{overhead}"
    if kind in ("failed", "faded"):
        since = f" on {e['breakout_date']}" if e.get("breakout_date") else ""
        return f"Broke out{since} at {_price(e.get('breakout_close'))}; closed back at {_price(e['close'])}."
    if kind == "busted":
        return f"Closed at {_price(e['close'])}, below support at {_price(e.get('support'))}."
    if kind == "testing":
        where = zone(float(e["zone_low"]), float(e["zone_high"])) if e.get("zone_low") is not None else "zone"
        return f"High reached the resistance {where}; closed back at {_price(e['close'])}."
    return str(e.get("reason") or "")


def _fields(e: dict) -> list[tuple[str, str]]:
    kind = e["event"]
    level_name = "Resistance" if kind in ("breakout", "testing") else ("Support" if kind == "busted" else "Level")
    out = [
        (level_name, _price(e.get("level"))),
        ("Close", _price(e.get("close"))),
        ("Beyond level", _pct(e.get("pct_beyond"))),
    ]
    ratio = e.get("volume_ratio")
    if ratio is not None:
        out.append(("Volume", f"{float(ratio):.2f}× 50-day avg" + (" — on volume" if e.get("on_volume") else "")))
    out.append(("Tests of resistance", str(int(e.get("test_count") or 0))))
    if e.get("next_resistance") is not None:
        out.append(("Next resistance", _price(e["next_resistance"])))
    if kind in ("failed", "faded", "busted") and e.get("breakout_close") is not None:
        change = (float(e["close"]) / float(e["breakout_close"]) - 1.0) * 100.0
        out.append(("Since breakout", f"{_pct(change)} (from {_price(e['breakout_close'])} on {e.get('breakout_date')})"))
    if e.get("base_start"):
        where = zone(float(e["zone_low"]), float(e["zone_high"])) if e.get("zone_low") is not None else ""
        out.append(("Base", f"since {e['base_start']} ({_weeks(e.get('base_weeks'))} weeks), {where}"))
    return out


def build_announcement(e: dict) -> Announcement:
    """``e`` is the outbox payload: ``event_dict(event)`` plus ``key``."""
    data_date = date.fromisoformat(str(e["date"]))
    key = str(e.get("key") or "")
    footer = f"Daily close of {data_date.isoformat()} · not financial advice"
    if key:
        footer += f" · id {key}"
    return Announcement(
        kind=e["event"],
        ticker=e["ticker"],
        title=title_for(e),
        description=_description(e),
        fields=tuple(_fields(e)),
        footer=footer,
        data_date=data_date,
        key=key,
    )
