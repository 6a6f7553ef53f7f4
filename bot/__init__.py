"""breakout-bot: bases, breakouts and failed breakouts for trading groups.

The core (market, analysis, charts, store, reports) never imports discord;
``bot.app`` and ``cogs`` are the Discord face, ``bot.cli`` the command-line face.
"""

__version__ = "0.1.0"
