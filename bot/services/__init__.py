"""The use cases: what the faces (``bot.cli``, ``bot.app``, ``cogs``) ask the core to do.

One module per use case (``base``, ``compare``, ``perf``, ``chart``, ``history``, ``watchlist``,
``alerts``, ``scan``, ``source``) and one composition root, :mod:`bot.services.composition`,
that builds the market data, the store and the engine once and hands out
``services.base``, ``services.watchlist``, ...

Layering: services import the core (analysis, market, charts, store, scan) and the words
modules, never ``discord``, ``bot.app``, ``bot.cli`` or ``cogs``; the core never imports
services.
"""
