"""The words of `alerts status` (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.scan.schedule import NEW_YORK
from bot.scan.watchlist_text import tickers_text
from bot.store.guilds import GuildSettings
from bot.store.scan_runs import ScanRun


def scan_text(run: ScanRun | None) -> str:
    if run is None:
        return "none yet since alerts were turned on"
    failed = f", {run.failed_tickers} failed" if run.failed_tickers else ""
    return f"session {run.session_date.isoformat()} ({run.tickers} ticker{'s' if run.tickers != 1 else ''}{failed})"


def status_lines(settings: GuildSettings, *, tracked: Sequence[str], pending: int, last_scan: ScanRun | None,
                 next_run: datetime | None, channel_text: str | None, role_text: str | None) -> list[str]:
    """``last_scan``: the newest scan of at least one ticker since alerts were turned on
    (ScanRunRepo.last_with_tickers); shown only while alerts are on, as scans only run then."""
    if settings.alerts_enabled and settings.alerts_channel_id:
        lines = [f"🔔 Alerts are **on**, posted in {channel_text or settings.alerts_channel_id}."]
    elif settings.disabled_reason:
        lines = [f"🔕 Alerts are **off**: I turned them off because I could not post ({settings.disabled_reason}). "
                 "Fix the channel or my permissions, then set the channel again."]
    else:
        lines = ["🔕 Alerts are **off**. Turn them on with `alerts channel #channel`."]
    lines.append(f"Ping: {role_text}." if settings.ping_role_id else "Ping: nobody (no role set).")
    lines.append(f"Tracked tickers: {len(tracked)}{f' ({tickers_text(tracked)})' if tracked else ''}.")
    if pending:
        lines.append(f"Waiting to be posted: {pending}.")
    if settings.alerts_enabled:
        lines.append(f"Last scan: {scan_text(last_scan)}.")
    if next_run is not None:
        local = next_run.astimezone(NEW_YORK)
        lines.append(f"Next scan: {local:%a %Y-%m-%d %H:%M} New York time (after the close).")
    return lines
