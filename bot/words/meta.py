"""Words of the bot's own commands (help, about, sync)."""

from __future__ import annotations


def synced(count: int, *, here: bool) -> str:
    where = "this server" if here else "all servers (Discord may take a few minutes to show them)"
    return f"Synced {count} slash commands to {where}."


# The one line of `about` and the README: what the bot's levels and odds are, and are not.
NOT_ADVICE = ("Not investment advice: the bot states levels, conventions and how past breakouts went, "
              "measured on its own signals; what to do with them is yours to decide.")
