"""The words of personal alerts (`alert add/list/remove/via`, their firings, their limits). Pure text.

Levels are said as levels: "IWM closed above 200.00", never what to do about it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date as _date
from datetime import datetime
from typing import Any

from bot.analysis.evidence import Evidence
from bot.analysis.levels import levels_of
from bot.errors import echo
from bot.words.announcements import Announcement
from bot.words.evidence import evidence_lines
from bot.words.intraday import intraday_firing_footer, intraday_level_title, quote_time_line
from bot.words.levels import levels_fields
from bot.words.rows import MemberAlertRow
from bot.words.vocabulary import pct, plural, price

LEVEL_KINDS = ("above", "below")
EVENT_KINDS = ("breakout", "failed", "test", "any")
MOVE_KIND = "move"
KINDS = LEVEL_KINDS + EVENT_KINDS + (MOVE_KIND,)

USAGE = ("Say what to watch: `alert add IWM above 200`, `alert add IWM below 190`, `alert add IWM breakout` "
         "(or `failed`, `test`, `any`), or `alert add IWM move 5%`.")


def alert_text(ticker: str, kind: str, level: float) -> str:
    """'IWM above 200.00', 'IWM breakout', 'IWM move ≥ 5.0%'."""
    if kind in LEVEL_KINDS:
        return f"{ticker} {kind} {price(level)}"
    if kind == MOVE_KIND:
        return f"{ticker} daily move of {pct(level, signed=False)} or more"
    if kind == "any":
        return f"{ticker}: any breakout, failure or test"
    if kind == "test":
        return f"{ticker}: a test of resistance"
    if kind == "failed":
        return f"{ticker}: a failed breakout"
    return f"{ticker}: a breakout"


# ---- bad input: one line each, nothing stored ------------------------------------------------
def bad_kind(word: str) -> str:
    return f"`{echo(word)}` is not something I can watch. {USAGE}"


def missing_level(kind: str) -> str:
    what = "a percentage, like `5%`" if kind == MOVE_KIND else "a price, like `200`"
    return f"`{kind}` needs {what}. Nothing was stored."


def bad_level(text: str, kind: str) -> str:
    if kind == MOVE_KIND:
        return f"`{echo(text)}` is not a move I can watch: give a percentage above 0, like `5%`. Nothing was stored."
    return f"`{echo(text)}` is not a level I can watch: give a price above 0, like `200`. Nothing was stored."


def unknown_ticker(ticker: str) -> str:
    return f"I have no price data for `{echo(ticker)}`. Check the symbol; nothing was stored."


def already_crossed(ticker: str, close: float, kind: str, level: float) -> str:
    """'IWM closed at 204.10, already above 200 — did you mean below?'"""
    other = "below" if kind == "above" else "above"
    return (f"{ticker} closed at {price(close)}, already {kind} {_plain(level)} — did you mean {other}? "
            "Nothing was stored.")


def duplicate(text: str) -> str:
    return f"You already have that alert ({text}). Nothing was stored."


def member_limit(most: int) -> str:
    return (f"You have {most} alerts in this server, the most a member can have. "
            "Remove one with `alert remove N` first; nothing was stored.")


def server_limit(most: int) -> str:
    return (f"This server has {most:,} personal alerts, the most a server can have. "
            "Nothing was stored.")


def no_such_alert(number: str, have: int) -> str:
    if have == 0:
        return "You have no alerts in this server."
    return f"`{echo(number)}` is not one of your alerts: say a number from 1 to {have} (see `alert list`), or `all`."


def bad_via(word: str) -> str:
    return f"`{echo(word)}`: say `dm` or `channel`."


def _plain(x: float) -> str:
    """200 rather than 200.00 when the member typed a whole number."""
    return f"{x:g}" if float(x).is_integer() else price(x)


# ---- replies --------------------------------------------------------------------------------
def added(text: str, *, count: int, most: int, via: str, scanned_daily: bool) -> str:
    where = "by DM" if via == "dm" else "in the alerts channel, mentioning you"
    line = f"🔔 Alert set: {text}. I check it at each US close and tell you {where}."
    if not scanned_daily:
        line += " The ticker is now in the daily scan."
    return line + f" ({count} of {most})"


def list_lines(alerts: Sequence[MemberAlertRow], *, via: str, channel_fallback: bool) -> list[str]:
    """The member's own alerts, numbered. ``alerts``: rows with ticker, kind, level, problem, fired_on."""
    if not alerts:
        return ["You have no alerts in this server. Add one with `alert add IWM above 200`."]
    where = "by DM" if via == "dm" else "in the alerts channel, mentioning you"
    lines = [f"Your alerts ({len(alerts)}), delivered {where}:"]
    for i, a in enumerate(alerts, 1):
        line = f"{i}. {alert_text(a.ticker, a.kind, a.level)}"
        if a.fired_on:
            line += f" — fired on the {a.fired_on} close, being delivered"
        if a.problem:
            line += f" — not delivered: {a.problem}"
        lines.append(line)
    if via == "channel" and not channel_fallback:
        lines.append("This server has no alerts channel, so they come by DM.")
    return lines


def removed(text: str) -> str:
    return f"Removed: {text}."


def removed_all(n: int) -> str:
    return "You had no alerts here." if n == 0 else f"Removed all your alerts here ({plural(n, 'alert')})."


def via_set(via: str, *, has_channel: bool) -> str:
    if via == "dm":
        return "Your alerts will come by DM."
    if not has_channel:
        return ("Your alerts will be posted in the alerts channel, mentioning you — this server has none yet, "
                "so until a moderator sets one they come by DM.")
    return "Your alerts will be posted in the alerts channel, mentioning only you."


def list_sent_by_dm() -> str:
    return "📬 I sent your alerts to you by DM."


def list_dm_closed() -> str:
    return "I can't DM you (your DMs from server members are closed), so I can't show your alerts here. Use `/alert list`."


# ---- firings ---------------------------------------------------------------------------------
def level_title(ticker: str, kind: str, level: float, close: float) -> str:
    return f"{ticker} closed {kind} {price(level)} at {price(close)}"


def move_title(ticker: str, change_pct: float, close: float) -> str:
    return f"{ticker} moved {pct(change_pct)} on the day, closing at {price(close)}"


def firing_lead(text: str) -> str:
    return f"🔔 Your alert: {text}."


def dm_closed_note() -> str:
    """The one line said with the channel fallback."""
    return "(I couldn't DM you — your DMs are closed — so it is here instead.)"


def undeliverable() -> str:
    """Why a firing was kept: shown in `alert list`."""
    return "your DMs are closed and this server has no alerts channel"


def channel_unusable() -> str:
    return "I can't post in this server's alerts channel"


def undeliverable_now() -> str:
    return "Discord kept refusing the message; it will be tried again at the next firing"


def firing_footer(day: str, key: str) -> str:
    return f"Daily close of {day} · your personal alert · not financial advice · id {key}"


# ---- moderators: counts only -------------------------------------------------------------------
def status_line(members: int, per_ticker: Mapping[str, int]) -> str | None:
    if not members:
        return None
    top = sorted(per_ticker.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{t} {n}" for t, n in top[:10])
    more = f", +{len(top) - 10} more" if len(top) > 10 else ""
    total = sum(per_ticker.values())
    return (f"Personal alerts: {plural(members, 'member')}, {plural(total, 'alert')} "
            f"({shown}{more}).")


def build_firing(firing: dict[str, Any], key: str, evidence: Evidence | None = None) -> Announcement:
    """The words of a level or move alert's firing (``firing``: its outbox payload), shaped as an
    announcement: the close, the level, the levels of the ticker's base and the evidence."""

    ticker, kind, close = firing["ticker"], firing["kind"], float(firing["close"])
    if kind == MOVE_KIND:
        title = move_title(ticker, float(firing.get("change") or 0.0), close)
        fields = [("Close", price(close)), ("Move", pct(firing.get("change"))),
                  ("Your alert", f"{pct(firing['level'], signed=False)} or more")]
    elif firing.get("at"):  # crossed during the session (the intraday watch): a quote, not a close
        at = datetime.fromisoformat(firing["at"])
        title = intraday_level_title(ticker, kind, float(firing["level"]), close, at)
        fields = [("Price", f"{price(close)} ({quote_time_line(at)})"), ("Level", price(firing["level"])),
                  ("Beyond level", pct((close / float(firing["level"]) - 1) * 100))]
    else:
        title = level_title(ticker, kind, float(firing["level"]), close)
        fields = [("Close", price(close)), ("Level", price(firing["level"])),
                  ("Beyond level", pct((close / float(firing["level"]) - 1) * 100))]
    base = firing.get("base")
    if base:
        lv = levels_of(float(base["zone_low"]), float(base["zone_high"]), close)
        fields += levels_fields(lv, broken_out=close > lv.line)
    if evidence is not None:
        lines = evidence_lines(evidence)
        if lines:
            fields.append(("Evidence", "\n".join(lines)))
    return Announcement(kind=kind, ticker=ticker, title=title, description="", fields=tuple(fields),
                        footer=(intraday_firing_footer(_date.fromisoformat(firing["date"]), key) if firing.get("at")
                                else firing_footer(firing["date"], key)), data_date=_date.fromisoformat(firing["date"]),
                        key=key)
