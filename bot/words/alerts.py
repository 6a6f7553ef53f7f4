"""The words of `alerts status` (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.errors import echo
from bot.words.market import index_line
from bot.words.rows import AlertSettings, ScanRunRow, UnconfirmedRow
from bot.words.vocabulary import day, plural
from bot.words.watchlist import tickers_text


def scan_text(run: ScanRunRow | None) -> str:
    """``run``: a :class:`bot.store.scan_runs.ScanRun`, or None."""
    if run is None:
        return "none yet since alerts were turned on"
    failed = f", {run.failed_tickers} failed" if run.failed_tickers else ""
    return f"session {day(run.session_date)} ({plural(run.tickers, 'ticker')}{failed})"


_KIND_NOUNS = {"testing": "test", "failed": "failed breakout", "faded": "faded breakout", "busted": "bust"}


def unconfirmed_line(rows: Sequence[UnconfirmedRow]) -> str | None:
    """``rows``: outbox rows given up as unconfirmed (``ticker``, ``kind``, ``bar_date``), newest first."""
    if not rows:
        return None
    items = ", ".join(f"the daily digest of {day(r.bar_date)}" if r.kind == "digest"
                      else f"{r.ticker} {_KIND_NOUNS.get(r.kind, r.kind)} of {day(r.bar_date)}" for r in rows)
    return (f"Not confirmed: {items}. I could not check the channel's history to see whether "
            f"{'it was' if len(rows) == 1 else 'they were'} posted, so I did not post again; "
            f"{'it' if len(rows) == 1 else 'they'} may be missing.")


def status_lines(settings: AlertSettings, *, tracked: Sequence[str], pending: int, last_scan: ScanRunRow | None,
                 next_run: datetime | None, channel_text: str | None, role_text: str | None,
                 unconfirmed: Sequence[UnconfirmedRow] = ()) -> list[str]:
    """``settings``: the server's :class:`bot.store.guilds.GuildSettings`. ``last_scan``: the
    newest scan of at least one ticker since alerts were turned on (ScanRunRepo.last_with_tickers);
    shown only while alerts are on, as scans only run then. ``next_run``: the next scan in
    New York time (the caller converts it; words know no market calendar). ``unconfirmed``: the
    announcements the bot gave up confirming, newest first (``unconfirmed_line``)."""
    if settings.alerts_enabled and settings.alerts_channel_id:
        lines = [f"🔔 Alerts are **on**, posted in {channel_text or settings.alerts_channel_id}."]
    elif settings.disabled_reason:
        lines = [f"🔕 Alerts are **off**: I turned them off because I could not post ({settings.disabled_reason}). "
                 "Fix the channel or my permissions, then set the channel again."]
    else:
        lines = ["🔕 Alerts are **off**. Turn them on with `alerts channel #channel`."]
    lines.append(f"Ping: {role_text}." if settings.ping_role_id else "Ping: nobody (no role set).")
    lines.append(index_line(getattr(settings, "market_index", "SPY")))
    lines.append(f"Tracked tickers: {len(tracked)}{f' ({tickers_text(tracked)})' if tracked else ''}.")
    if getattr(settings, "digest_enabled", False):
        lines.append("Daily digest: on (one summary of the watchlist after each scan).")
    if getattr(settings, "intraday_enabled", False):
        lines.append(intraday_status_line())
    if not getattr(settings, "followups_enabled", True):
        lines.append("Follow-ups: off (no thread under breakout announcements).")
    if pending:
        lines.append(f"Waiting to be posted: {pending}.")
    if (line := unconfirmed_line(unconfirmed)) is not None:
        lines.append(line)
    if settings.alerts_enabled:
        lines.append(f"Last scan: {scan_text(last_scan)}.")
    if next_run is not None:
        lines.append(f"Next scan: {next_run:%a %Y-%m-%d %H:%M} New York time (after the close).")
    return lines


def channel_set_headline(channel_mention: str) -> str:
    return f"🔔 Breakout announcements will be posted in {channel_mention} after each US close. "


def turned_off(was_on: bool) -> str:
    if not was_on:
        return "Alerts were already off."
    return "🔕 Alerts are off. The watchlist is kept; `alerts channel #channel` turns them back on."


def digest_switch_unknown(word: str) -> str:
    return f"`{echo(word)}`: say `on` or `off`."


def digest_set(on: bool, *, alerts_on: bool) -> str:
    """After `alerts digest on|off`."""
    if not on:
        return "The daily digest is off."
    text = "📋 The daily digest is on: after each US close, one post sums up the watchlist (with the grid)."
    if not alerts_on:
        text += " It is posted in the alerts channel: turn alerts on with `alerts channel #channel`."
    return text


def intraday_status_line() -> str:
    return "Intraday: on (\"crossing now\" during the session, settled at the close)."


def intraday_set(on: bool, *, alerts_on: bool) -> str:
    """After `alerts intraday on|off`."""
    if not on:
        return "Intraday notices are off: announcements come after the close only."
    text = ("⏱️ Intraday notices are on for this server: a tracked ticker crossing its line during the session "
            "will get one \"crossing now\" post, then a reply at the close saying whether the close confirmed or "
            "withdrew it. The watch takes tracked tickers within 3% of their line, every few minutes during the "
            "regular session.")
    if not alerts_on:
        text += " They are posted in the alerts channel: turn alerts on with `alerts channel #channel`."
    return text


def followups_set(on: bool, *, alerts_on: bool) -> str:
    """After `alerts followups on|off`."""
    if not on:
        return ("Follow-ups are off: breakout announcements get no thread, and the follow-ups of "
                "breakouts already announced stop.")
    text = ("🧵 Follow-ups are on: each breakout announcement gets a thread with its day 1, a throwback, "
            "extension, +10 %/+20 %, a failure and a closing summary after 30 sessions (no pings). "
            "Without the Create Public Threads or Send Messages in Threads permission they go as replies.")
    if not alerts_on:
        text += " Turn alerts on with `alerts channel #channel`."
    return text


def ping_role_set(role_mention: str | None, *, silent: bool = False) -> str:
    """Who announcements ping; ``silent``: the role cannot be mentioned by the bot."""
    if role_mention is None:
        return "Announcements will ping nobody."
    text = f"Announcements will ping {role_mention}."
    if silent:
        text += (" Note: that role is not mentionable and I lack Mention @everyone, so Discord "
                 "will show the mention without notifying anyone.")
    return text
