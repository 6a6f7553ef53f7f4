"""The cog extensions the bot loads, in order. Each module ends with ``async def setup(bot)``.

A module that fails to load is logged and skipped; the others still load.
"""

EXTENSIONS: tuple[str, ...] = (
    "cogs.meta",  # help, about, sync
    "cogs.charts",  # base, compare, perf, chart
    "cogs.market",  # market
    "cogs.setups",  # setups, universe save/delete/list
    "cogs.watch",  # watch add/remove/list
    "cogs.alerts",  # alerts channel/off/status
    "cogs.personal",  # alert add/list/remove/via: members' own alerts
    "cogs.odds",  # odds (past breakouts: the base-rate table)
    "cogs.scorecard",  # scorecard (this server's own record)
    "cogs.announcer",  # background scan + outbox sender
    "cogs.intraday",  # the intraday watch during the session ("crossing now"; servers opt in)
)
