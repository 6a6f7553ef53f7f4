"""Personal alerts (`alert add`): the alerts each member sets for themselves in a server, where
they go (`alert via`), and the outbox's member column (a personal alert's delivery).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("outbox", sa.Column("user_id", sa.BigInteger))
    op.create_table(
        "personal_alerts",
        sa.Column("id", SERIAL, primary_key=True, autoincrement=True),
        sa.Column("guild_id", sa.BigInteger, nullable=False),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("ticker", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("level", sa.Float, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("fired_on", sa.Text),
        sa.Column("problem", sa.Text),
        sa.UniqueConstraint("guild_id", "user_id", "ticker", "kind", "level"),
    )
    op.create_index("personal_alerts_by_ticker", "personal_alerts", ["ticker"])
    op.create_table(
        "alert_members",
        sa.Column("guild_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("user_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("via", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
