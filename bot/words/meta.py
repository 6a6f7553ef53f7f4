"""Words of the bot's own commands (help, about, sync)."""

from __future__ import annotations


def synced(count: int, *, here: bool) -> str:
    where = "this server" if here else "all servers (Discord may take a few minutes to show them)"
    return f"Synced {count} slash commands to {where}."
