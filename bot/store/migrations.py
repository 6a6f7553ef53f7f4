"""Ordered schema migrations. Append only; index + 1 is the schema version."""

MIGRATIONS: list[str] = [
    # 1: price cache
    """
    CREATE TABLE price_bars (
        ticker TEXT NOT NULL,
        day TEXT NOT NULL,              -- ISO date
        open REAL, high REAL, low REAL, close REAL NOT NULL, volume REAL, adj_close REAL,
        PRIMARY KEY (ticker, day)
    ) WITHOUT ROWID;
    CREATE TABLE price_meta (
        ticker TEXT PRIMARY KEY,
        first_day TEXT,                 -- first bar we hold
        last_day TEXT,                  -- last bar we hold
        fetched_at TEXT NOT NULL,       -- UTC ISO timestamp of the last fetch
        full_history INTEGER NOT NULL DEFAULT 0
    );
    """,
]
