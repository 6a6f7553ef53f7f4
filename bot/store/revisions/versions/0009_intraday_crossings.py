"""The intraday watch's crossings (issue 24): one row per ticker, base and session that crossed
its line during the session ("crossing now"), and how the close settled it. The notices
themselves are outbox rows (kind ``intraday``), written in the same transaction.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "intraday_crossings",
        sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
        sa.Column("ticker", sa.Text, nullable=False),
        sa.Column("base_id", sa.Text, nullable=False),
        sa.Column("session", sa.Text, nullable=False),
        sa.Column("direction", sa.Integer, nullable=False),
        sa.Column("line", sa.Float, nullable=False),
        sa.Column("price", sa.Float, nullable=False),
        sa.Column("quote_at", sa.Text, nullable=False),
        sa.Column("pace", sa.Float),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text),
        sa.Column("reason", sa.Text),
        sa.Column("close", sa.Float),
        sa.Column("settled_at", sa.Text),
        sa.UniqueConstraint("ticker", "base_id", "session"),
    )
    op.create_index("intraday_crossings_by_session", "intraday_crossings", ["session"])


def downgrade() -> None:
    op.drop_index("intraday_crossings_by_session", table_name="intraday_crossings")
    op.drop_table("intraday_crossings")
