"""The words of an announcement, from an event dict (``Event.to_dict()`` + ``key``). Pure text:
:mod:`bot.app.announce_embeds` turns it into a Discord embed with the chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.reports.text import ordinal

# Embed colours by event (RGB ints, no discord import here).
COLOURS = {"breakout": 0x2E7D32, "failed": 0xC62828, "busted": 0x6A1B9A, "testing": 0xF9A825}


@dataclass(frozen=True)
class Announcement:
    kind: str
    ticker: str
    title: str
    description: str
    fields: tuple[tuple[str, str], ...]
    footer: str
    colour: int
    data_date: date
    key: str


def _price(x) -> str:
    return f"{float(x):,.2f}" if x is not None else "–"


def _pct(x) -> str:
    return f"{float(x):+.1f}%" if x is not None else "–"


def _weeks(w) -> int:
    return max(1, round(float(w or 0)))


def title_for(e: dict) -> str:
    t, kind = e["ticker"], e["event"]
    if kind == "breakout":
        second = " (2nd attempt)" if int(e.get("attempt") or 1) == 2 else ""
        if int(e.get("attempt") or 1) > 2:
            second = f" ({ordinal(int(e['attempt']))} attempt)"
        return f"{t} breaks out of its {_weeks(e.get('base_weeks'))}-week base{second}"
    if kind == "failed":
        return f"{t} breakout fails — back inside the base"
    if kind == "busted":
        return f"{t} breakout busted — below the base's support"
    if kind == "testing":
        return f"{t} tests resistance for the {ordinal(int(e.get('test_count') or 1))} time"
    return f"{t}: {kind}"


def _description(e: dict) -> str:
    kind = e["event"]
    if kind == "breakout":
        vol = " on volume" if e.get("on_volume") else ""
        return f"Closed at {_price(e['close'])}, above resistance at {_price(e['level'])}{vol}."
    if kind == "failed":
        since = f" on {e['breakout_date']}" if e.get("breakout_date") else ""
        return f"Broke out{since} at {_price(e.get('breakout_close'))}; closed back at {_price(e['close'])}."
    if kind == "busted":
        return f"Closed at {_price(e['close'])}, below support at {_price(e.get('support'))}."
    if kind == "testing":
        return f"High reached the resistance zone {_price(e.get('zone_low'))}–{_price(e.get('zone_high'))}; closed at {_price(e['close'])}."
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
    if kind in ("failed", "busted") and e.get("breakout_close") is not None:
        change = (float(e["close"]) / float(e["breakout_close"]) - 1.0) * 100.0
        out.append(("Since breakout", f"{_pct(change)} (from {_price(e['breakout_close'])} on {e.get('breakout_date')})"))
    if e.get("base_start"):
        out.append(("Base", f"since {e['base_start']} ({_weeks(e.get('base_weeks'))} weeks), zone "
                            f"{_price(e.get('zone_low'))}–{_price(e.get('zone_high'))}"))
    return out


def build_announcement(e: dict) -> Announcement:
    """``e`` is ``Event.to_dict()`` (plus ``key``)."""
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
        colour=COLOURS.get(e["event"], 0x546E7A),
        data_date=data_date,
        key=key,
    )
