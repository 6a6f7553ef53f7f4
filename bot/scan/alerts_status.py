"""The words of `alerts status` (pure)."""

from __future__ import annotations

from datetime import date, datetime

from bot.scan.schedule import NEW_YORK
from bot.store.guilds import GuildSettings


def status_lines(settings: GuildSettings, *, tracked: int, pending: int, last_scan: date | None,
                 next_run: datetime | None, channel_text: str | None, role_text: str | None) -> list[str]:
    if settings.alerts_enabled and settings.alerts_channel_id:
        lines = [f"🔔 Alerts are **on**, posted in {channel_text or settings.alerts_channel_id}."]
    elif settings.disabled_reason:
        lines = [f"🔕 Alerts are **off**: I turned them off because I could not post ({settings.disabled_reason}). "
                 "Fix the channel or my permissions, then set the channel again."]
    else:
        lines = ["🔕 Alerts are **off**. Turn them on with `alerts channel #channel`."]
    lines.append(f"Ping: {role_text}." if settings.ping_role_id else "Ping: nobody (no role set).")
    lines.append(f"Tracked tickers: {tracked}.")
    if pending:
        lines.append(f"Waiting to be posted: {pending}.")
    lines.append(f"Last scan: {last_scan.isoformat() if last_scan else 'none yet'}.")
    if next_run is not None:
        local = next_run.astimezone(NEW_YORK)
        lines.append(f"Next scan: {local:%a %Y-%m-%d %H:%M} New York time (after the close).")
    return lines
