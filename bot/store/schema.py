"""The one schema, for SQLite and PostgreSQL alike (SQLAlchemy Core tables).

The repositories build their queries from these tables, so one set of queries serves both
engines; the Alembic revisions in ``bot/store/alembic/versions`` create them. Dates and
timestamps are ISO text (as the SQLite store always kept them), flags are 0/1 integers, Discord
ids are 64-bit integers.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# A rowid alias on SQLite (autoincrement), BIGSERIAL on PostgreSQL.
SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

price_bars = sa.Table(
    "price_bars", metadata,
    sa.Column("ticker", sa.Text, primary_key=True),
    sa.Column("day", sa.Text, primary_key=True),  # ISO date
    sa.Column("open", sa.Float), sa.Column("high", sa.Float), sa.Column("low", sa.Float),
    sa.Column("close", sa.Float, nullable=False), sa.Column("volume", sa.Float), sa.Column("adj_close", sa.Float),
)

price_meta = sa.Table(
    "price_meta", metadata,
    sa.Column("ticker", sa.Text, primary_key=True),
    sa.Column("first_day", sa.Text),  # first bar we hold
    sa.Column("last_day", sa.Text),  # last bar we hold
    sa.Column("fetched_at", sa.Text, nullable=False),  # UTC ISO time of the last fetch
    sa.Column("full_history", sa.Integer, nullable=False, server_default="0"),
)

# price_bars packed by ticker and calendar year (bot/store/price_pack.py), kept in step with them
# by every write: reading a ticker's 30 years of bars costs 30 rows, and a new day rewrites one
price_packs = sa.Table(
    "price_packs", metadata,
    sa.Column("ticker", sa.Text, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("bars", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

guild_settings = sa.Table(
    "guild_settings", metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("alerts_channel_id", sa.BigInteger),
    sa.Column("alerts_enabled", sa.Integer, nullable=False, server_default="0"),
    sa.Column("ping_role_id", sa.BigInteger),
    sa.Column("disabled_reason", sa.Text),
    sa.Column("defaults_added", sa.Integer, nullable=False, server_default="0"),
    sa.Column("updated_at", sa.Text, nullable=False),
    sa.Column("alerts_since", sa.Text),
    sa.Column("digest_enabled", sa.Integer, nullable=False, server_default="0"),
    sa.Column("market_index", sa.Text),  # SPY (NULL), QQQ or IWM: the server's market index
    sa.Column("intraday_enabled", sa.Integer, nullable=False, server_default="0"),  # `alerts intraday on|off`
    # revision 0006: a thread of follow-ups under each breakout announcement (alerts followups on|off)
    sa.Column("followups_enabled", sa.Integer, nullable=False, server_default="1"),
)

watchlist = sa.Table(
    "watchlist", metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("ticker", sa.Text, primary_key=True),
    sa.Column("added_at", sa.Text, nullable=False),
    sa.Index("watchlist_by_ticker", "ticker"),
)

engine_states = sa.Table(
    "engine_states", metadata,
    sa.Column("ticker", sa.Text, primary_key=True),
    sa.Column("state_json", sa.Text, nullable=False),
    sa.Column("last_date", sa.Text),
    sa.Column("phase", sa.Text),
    sa.Column("level", sa.Float),
    sa.Column("last_close", sa.Float),
    sa.Column("updated_at", sa.Text, nullable=False),
)

outbox = sa.Table(
    "outbox", metadata,
    sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("guild_id", sa.BigInteger, nullable=False),
    sa.Column("channel_id", sa.BigInteger, nullable=False),
    sa.Column("ticker", sa.Text, nullable=False),
    sa.Column("base_id", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("bar_date", sa.Text, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),  # the event as JSON
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("sent_at", sa.Text),
    sa.Column("message_id", sa.BigInteger),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("dropped_at", sa.Text),
    # revision 0002: the process delivering the row, until when (a crashed holder's claim expires)
    sa.Column("claimed_by", sa.Text),
    sa.Column("claimed_until", sa.Float),  # Unix time
    # revision 0006: a breakout announcement's thread (its follow-ups go there), once it has one
    sa.Column("thread_id", sa.BigInteger),
    # revision 0007: a member's personal alert goes to this member (by DM, or a mention in the
    # channel); NULL for a server's announcement. Any process may deliver it (no shard)
    sa.Column("user_id", sa.BigInteger),
    # revision 0008: a row whose post may have landed while the check of the channel fails
    sa.Column("check_after", sa.Float),  # Unix time: the next check of the channel's history, not before
    sa.Column("unsure_since", sa.Float),  # Unix time of the first failed check (None: none failed)
    sa.Column("unconfirmed_at", sa.Text),  # gave up checking (dropped_at is set too): never posted again
    sa.UniqueConstraint("guild_id", "ticker", "base_id", "kind", "bar_date"),
)

# revision 0007: the alerts each member sets for themselves in a server (`alert add`): a level
# ("above"/"below" ``level``), a daily move of at least ``level`` % ("move"), or the engine's
# events ("breakout", "failed", "test", "any"; ``level`` 0). Private to the member.
personal_alerts = sa.Table(
    "personal_alerts", metadata,
    sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("guild_id", sa.BigInteger, nullable=False),
    sa.Column("user_id", sa.BigInteger, nullable=False),
    sa.Column("ticker", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("level", sa.Float, nullable=False, server_default="0"),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("fired_on", sa.Text),  # a level alert queued on this session, waiting to be delivered
    sa.Column("problem", sa.Text),  # why its last firing could not be delivered (shown in `alert list`)
    sa.UniqueConstraint("guild_id", "user_id", "ticker", "kind", "level"),
    # revision 0010: the scan reads the alerts that can fire by ticker, kind and level, in the index
    sa.Index("personal_alerts_by_ticker_kind_level", "ticker", "kind", "level"),
)

# revision 0007: where a member's personal alerts go in a server (`alert via dm|channel`)
alert_members = sa.Table(
    "alert_members", metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("via", sa.Text, nullable=False),  # "dm" or "channel"
    sa.Column("updated_at", sa.Text, nullable=False),
)

# revision 0009: the intraday watch's crossings, one per ticker, base and session (the notices
# are outbox rows of kind "intraday"), and how the session's close settled each
intraday_crossings = sa.Table(
    "intraday_crossings", metadata,
    sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("ticker", sa.Text, nullable=False),
    sa.Column("base_id", sa.Text, nullable=False),
    sa.Column("session", sa.Text, nullable=False),  # ISO date
    sa.Column("direction", sa.Integer, nullable=False),  # 1: the breakout line from below; -1: the invalidation
    sa.Column("line", sa.Float, nullable=False),
    sa.Column("price", sa.Float, nullable=False),  # the quote that crossed
    sa.Column("quote_at", sa.Text, nullable=False),  # its own time (ISO, exchange time)
    sa.Column("pace", sa.Float),  # volume pace at the quote (None: not known)
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("outcome", sa.Text),  # "confirmed" / "withdrawn" once the close settled it
    sa.Column("reason", sa.Text),  # "past" / "inside" / "not_counted"
    sa.Column("close", sa.Float),
    sa.Column("settled_at", sa.Text),
    sa.UniqueConstraint("ticker", "base_id", "session"),
    sa.Index("intraday_crossings_by_session", "session"),
)

scan_runs = sa.Table(
    "scan_runs", metadata,
    sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
    sa.Column("session_date", sa.Text, nullable=False),
    sa.Column("started_at", sa.Text, nullable=False),
    sa.Column("finished_at", sa.Text, nullable=False),
    sa.Column("tickers", sa.Integer, nullable=False),
    sa.Column("events", sa.Integer, nullable=False),
    sa.Column("queued", sa.Integer, nullable=False),
    sa.Column("failed_tickers", sa.Integer, nullable=False),
)

ticker_lists = sa.Table(
    "ticker_lists", metadata,
    sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("tickers", sa.Text, nullable=False),  # space-separated, in the order given
    sa.Column("updated_at", sa.Text, nullable=False),
)

# revision 0002: named leases shared by the bot's processes (the daily scan: one holder at a time)
leases = sa.Table(
    "leases", metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("holder", sa.Text, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),  # Unix time
)

# What `db copy` moves, parents first.
DATA_TABLES: tuple[sa.Table, ...] = (guild_settings, watchlist, engine_states, outbox, scan_runs, ticker_lists,
                                     personal_alerts, alert_members, intraday_crossings, price_meta, price_bars,
                                     price_packs)
