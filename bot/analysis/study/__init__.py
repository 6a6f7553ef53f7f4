"""Our own measured odds (issue 19, part 3): every breakout the engine announces over a universe,
what became of it, grouped, against the universe's baseline (``python -m bot study``).

* :mod:`.kinds` — a breakout's kind (record high, major base, nearest base) and its groups;
* :mod:`.measure` — one ticker's breakouts measured (outcome, returns, best gain, throwback);
* :mod:`.stats` — rates with Wilson intervals, medians, a group's summary;
* :mod:`.table` — the base-rate table (groups, in/out of sample, baseline) and the odds lookup.
"""
