"""Visibility of comments and history items: `public` (the investor sees it) or `internal` (staff only)

Existing rows are classified by the rules the application now writes with (services/visibility.py):
the head's remarks, draft answers, extension requests and refusals, co-executors' parts, escalations,
hand-overs and staff comments become internal; everything else stays public. `visibility` is not part
of the hashed content of a history row (docs/audit.md), so setting it leaves every chain valid; on
PostgreSQL the append-only trigger is switched off for the one UPDATE and on again.

Revision ID: 0015
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0018'
branch_labels = None
depends_on = None

INTERNAL_ACTIONS = ('return', 'answer', 'extend', 'deny', 'part', 'overdue', 'sla_warning',
                    'first_response_overdue', 'tasks_handed_over', 'tasks_returned')
INTERNAL_KINDS = ('remarks', 'agency_part')

history = sa.table('history_events', sa.column('subject_type', sa.String()), sa.column('action', sa.String()),
                   sa.column('role', sa.String()), sa.column('visibility', sa.String()))
comments = sa.table('comments', sa.column('kind', sa.String()), sa.column('role', sa.String()),
                    sa.column('visibility', sa.String()))


def upgrade() -> None:
    for table in ('history_events', 'comments'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('visibility', sa.String(length=10), nullable=False,
                                          server_default='public'))
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    if postgres:
        op.execute('ALTER TABLE history_events DISABLE TRIGGER USER')
    staff_comment = sa.and_(history.c.action == 'comment', sa.func.coalesce(history.c.role, '') != 'investor')
    bind.execute(history.update().where(history.c.subject_type == 'appeal',
                                        sa.or_(history.c.action.in_(INTERNAL_ACTIONS), staff_comment))
                 .values(visibility='internal'))
    if postgres:
        op.execute('ALTER TABLE history_events ENABLE TRIGGER USER')
    bind.execute(comments.update().where(sa.or_(
        comments.c.kind.in_(INTERNAL_KINDS),
        sa.and_(comments.c.kind == 'comment', sa.func.coalesce(comments.c.role, '') != 'investor')))
        .values(visibility='internal'))


def downgrade() -> None:
    for table in ('comments', 'history_events'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('visibility')
