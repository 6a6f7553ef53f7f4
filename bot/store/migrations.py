"""The hand-written SQLite migrations 1-5 of the store before Alembic. FROZEN: never edit or append.

A SQLite file made by an older breakout-bot records in ``PRAGMA user_version`` how many of these
it has; :mod:`bot.store.migrate` applies the rest, which brings it to Alembic's baseline revision
(``0001``, the same schema), stamps it, and continues with Alembic (``bot/store/revisions``).
"""

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

MIGRATIONS.append(
    # 2: announcements — per-server settings, watchlists, engine state, outbox, scan runs
    """
    CREATE TABLE guild_settings (
        guild_id INTEGER PRIMARY KEY,
        alerts_channel_id INTEGER,
        alerts_enabled INTEGER NOT NULL DEFAULT 0,
        ping_role_id INTEGER,
        disabled_reason TEXT,
        defaults_added INTEGER NOT NULL DEFAULT 0,   -- default watchlist added once
        updated_at TEXT NOT NULL
    );
    CREATE TABLE watchlist (
        guild_id INTEGER NOT NULL,
        ticker TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (guild_id, ticker)
    ) WITHOUT ROWID;
    CREATE INDEX watchlist_by_ticker ON watchlist (ticker);
    CREATE TABLE engine_states (
        ticker TEXT PRIMARY KEY,
        state_json TEXT NOT NULL,
        last_date TEXT,                 -- newest bar the engine processed (ISO)
        phase TEXT,                     -- summary for `watch list`
        level REAL,
        last_close REAL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        guild_id INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        ticker TEXT NOT NULL,
        base_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        bar_date TEXT NOT NULL,
        payload TEXT NOT NULL,          -- the event as JSON
        created_at TEXT NOT NULL,
        sent_at TEXT,
        message_id INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        dropped_at TEXT,                -- given up (channel gone, alerts off, too many attempts)
        UNIQUE (guild_id, ticker, base_id, kind, bar_date)
    );
    CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL AND dropped_at IS NULL;
    CREATE TABLE scan_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_date TEXT NOT NULL,     -- the trading session the scan covered (ISO)
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        tickers INTEGER NOT NULL,
        events INTEGER NOT NULL,
        queued INTEGER NOT NULL,
        failed_tickers INTEGER NOT NULL
    );
    """
)

MIGRATIONS.append(
    # 3: when alerts were last turned on, so `alerts status` shows only scans made for them
    """
    ALTER TABLE guild_settings ADD COLUMN alerts_since TEXT;    -- UTC ISO; NULL before migration 3
    """
)

MIGRATIONS.append(
    # 4: the daily digest (opt-in per server): one post after the scan summarising the watchlist
    """
    ALTER TABLE guild_settings ADD COLUMN digest_enabled INTEGER NOT NULL DEFAULT 0;
    """
)

MIGRATIONS.append(
    # 5: a server's own named ticker lists for `setups` (`setups save NAME T1 T2 …`)
    """
    CREATE TABLE ticker_lists (
        guild_id INTEGER NOT NULL,
        name TEXT NOT NULL,
        tickers TEXT NOT NULL,          -- space-separated, in the order given
        updated_at TEXT NOT NULL,
        PRIMARY KEY (guild_id, name)
    ) WITHOUT ROWID;
    """
)
