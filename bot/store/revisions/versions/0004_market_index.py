"""Each server's market index (`alerts market SPY|QQQ|IWM`); NULL is the default, SPY.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("guild_settings", sa.Column("market_index", sa.Text))
