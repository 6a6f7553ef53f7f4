"""Personal alerts: the scan's read by ticker, kind and level (issue 23). At the daily close the
scan reads only the alerts that can fire (a level above beneath the highest close, below above
the lowest, a move no bigger than the biggest, an event alert of a kind the ticker had): with
the index on (ticker, kind, level) the database finds them in the index instead of reading
every alert of the ticker from the table. It replaces the index on ticker alone (its prefix).

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("personal_alerts_by_ticker_kind_level", "personal_alerts", ["ticker", "kind", "level"])
    op.drop_index("personal_alerts_by_ticker", table_name="personal_alerts")


def downgrade() -> None:
    op.create_index("personal_alerts_by_ticker", "personal_alerts", ["ticker"])
    op.drop_index("personal_alerts_by_ticker_kind_level", table_name="personal_alerts")
