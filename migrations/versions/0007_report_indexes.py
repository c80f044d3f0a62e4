"""report indexes: a covering index of appeals by creation date (issue 6)

The two reports and the dashboard aggregate a period of creation dates over a dozen narrow
columns. On PostgreSQL this index carries them (INCLUDE), so the aggregates read a ~200 MB index
instead of the ~1 GB table at a million appeals (index-only scans; docs/performance.md). On
SQLite the INCLUDE list is ignored: the existing index on created_at serves.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

REPORT_COLUMNS = ['id', 'appeal_type', 'agency_org', 'executor_org', 'manager_login', 'fact_code', 'category_code',
                  'subcategory_code', 'channel', 'status', 'received_at', 'answered_at', 'closed_at', 'deadline_at',
                  'rework_count', 'rating']


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index('ix_appeals_report', 'appeals', ['created_at'], postgresql_include=REPORT_COLUMNS)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_appeals_report', table_name='appeals')
