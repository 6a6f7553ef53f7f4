"""Follow-ups of a breakout: the thread kept with its announcement, and the server's switch
(`alerts followups on|off`, on by default).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("thread_id", sa.BigInteger))
    op.add_column("guild_settings", sa.Column("followups_enabled", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("guild_settings") as batch:
        batch.drop_column("followups_enabled")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("thread_id")
