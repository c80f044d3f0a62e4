"""inbox indexes: partial indexes over open tasks, an index for the done tab

The open inbox of a person is two halves: tasks named to them, and the unassigned queue of their
organisation's roles. Each half has a partial index over open rows only, so a role's closed
history (most of the table after a year) is never read; the done tab reads `closed_by`.

Revision ID: 0018
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0014'
branch_labels = None
depends_on = None

OPEN = "state = 'open'"
QUEUE = "state = 'open' AND assignee IS NULL"


def upgrade() -> None:
    op.create_index('ix_inbox_open_assignee', 'inbox_tasks', ['assignee', 'due_at', 'id'],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))
    op.create_index('ix_inbox_open_queue', 'inbox_tasks', ['org_code', 'role', 'due_at', 'id'],
                    postgresql_where=sa.text(QUEUE), sqlite_where=sa.text(QUEUE))
    op.create_index('ix_inbox_closed_by', 'inbox_tasks', ['closed_by', 'state', 'due_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_inbox_closed_by', table_name='inbox_tasks')
    op.drop_index('ix_inbox_open_queue', table_name='inbox_tasks')
    op.drop_index('ix_inbox_open_assignee', table_name='inbox_tasks')
