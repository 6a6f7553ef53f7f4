"""Intraday: a breakout line crossed during the session ("crossing now"), settled at the close.

* :mod:`.profile` — the usual share of a day's volume by each 5-minute slot (the ticker's own
  over its last 20 sessions, else a documented U shape) and the volume pace against it;
* :mod:`.synthetic` — 5-minute sessions built from real daily bars (for tests and the offline twin);
* :mod:`.quotes` — which quotes can be used (stale, implausible, missing) and the vectorised
  check of many quotes against their lines;
* :mod:`.session` — one ticker's session replayed round by round: the crossing notice, once,
  and how the close settles it.

The lines are :mod:`bot.analysis.levels`' (``Levels.line``, ``Levels.invalidation``): never a
second rule. Pure numpy/pandas; session times are given by the caller (bot.market.calendar).
"""
