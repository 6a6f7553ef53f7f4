"""Each ticker's cached bars also packed by calendar year (price_packs), so a scan reads a
ticker's years of bars as a few values instead of thousands of rows.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "price_packs",
        sa.Column("ticker", sa.Text, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("bars", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
