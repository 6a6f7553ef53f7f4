"""Baseline: the schema of the hand-written SQLite migrations 1-5 (price cache, server settings,
watchlists, engine states, outbox, scan runs, ticker lists), on either engine.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # rowid alias on SQLite, bigserial elsewhere


def upgrade() -> None:
    op.create_table(
        "price_bars",
        sa.Column("ticker", sa.Text, primary_key=True), sa.Column("day", sa.Text, primary_key=True),
        sa.Column("open", sa.Float), sa.Column("high", sa.Float), sa.Column("low", sa.Float),
        sa.Column("close", sa.Float, nullable=False), sa.Column("volume", sa.Float), sa.Column("adj_close", sa.Float),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "price_meta",
        sa.Column("ticker", sa.Text, primary_key=True), sa.Column("first_day", sa.Text),
        sa.Column("last_day", sa.Text), sa.Column("fetched_at", sa.Text, nullable=False),
        sa.Column("full_history", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "guild_settings",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("alerts_channel_id", sa.BigInteger),
        sa.Column("alerts_enabled", sa.Integer, nullable=False, server_default="0"),
        sa.Column("ping_role_id", sa.BigInteger), sa.Column("disabled_reason", sa.Text),
        sa.Column("defaults_added", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.Text, nullable=False), sa.Column("alerts_since", sa.Text),
        sa.Column("digest_enabled", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "watchlist",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("ticker", sa.Text, primary_key=True), sa.Column("added_at", sa.Text, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("watchlist_by_ticker", "watchlist", ["ticker"])
    op.create_table(
        "engine_states",
        sa.Column("ticker", sa.Text, primary_key=True), sa.Column("state_json", sa.Text, nullable=False),
        sa.Column("last_date", sa.Text), sa.Column("phase", sa.Text), sa.Column("level", sa.Float),
        sa.Column("last_close", sa.Float), sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False), sa.Column("channel_id", sa.BigInteger, nullable=False),
        sa.Column("ticker", sa.Text, nullable=False), sa.Column("base_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False), sa.Column("bar_date", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False), sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("sent_at", sa.Text), sa.Column("message_id", sa.BigInteger),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text), sa.Column("dropped_at", sa.Text),
        sa.UniqueConstraint("guild_id", "ticker", "base_id", "kind", "bar_date"),
        sqlite_autoincrement=True,
    )
    pending = sa.text("sent_at IS NULL AND dropped_at IS NULL")
    op.create_index("outbox_pending", "outbox", ["id"], sqlite_where=pending, postgresql_where=pending)
    op.create_table(
        "scan_runs",
        sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
        sa.Column("session_date", sa.Text, nullable=False), sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("finished_at", sa.Text, nullable=False), sa.Column("tickers", sa.Integer, nullable=False),
        sa.Column("events", sa.Integer, nullable=False), sa.Column("queued", sa.Integer, nullable=False),
        sa.Column("failed_tickers", sa.Integer, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "ticker_lists",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, primary_key=True), sa.Column("tickers", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sqlite_with_rowid=False,
    )
