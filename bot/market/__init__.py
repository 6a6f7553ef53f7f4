"""Market data: providers (Yahoo, CSV directory), the SQLite price cache, the trading calendar.

Frame convention everywhere in the core: a DataFrame indexed by a tz-naive, sorted,
unique DatetimeIndex named ``Date`` (one row per trading day), float columns
``Open, High, Low, Close, Volume`` and optionally ``Adj Close``. Prices are unadjusted
for dividends (``auto_adjust=False``), split-adjusted as Yahoo serves them.
"""
