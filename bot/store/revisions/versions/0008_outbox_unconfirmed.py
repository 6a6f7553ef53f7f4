"""An outbox row whose post may have landed but whose check of the channel's history keeps
failing: when to check again, since when the check fails, and when the bot gave up checking
(the row is then also dropped: never posted again, and `alerts status` shows it unconfirmed).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("check_after", sa.Float))  # Unix time: no check before
    op.add_column("outbox", sa.Column("unsure_since", sa.Float))  # Unix time of the first failed check
    op.add_column("outbox", sa.Column("unconfirmed_at", sa.Text))  # ISO: gave up checking
