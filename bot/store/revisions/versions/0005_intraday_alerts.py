"""Each server's intraday switch (`alerts intraday on|off`): "crossing now" notices during the
session; off (0) by default.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("guild_settings", sa.Column("intraday_enabled", sa.Integer, nullable=False, server_default="0"))
