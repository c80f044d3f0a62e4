"""notifications: e-mail outbox, one-per-event keys on in-app notifications, absences and substitutes

Issue 5 (notifications, substitutes). `outbox` holds letters written in the transaction of the change
that caused them; `notifications.event_key` and `outbox.event_key` are unique so one event never
notifies one person twice; `absences` names a substitute for a period; `inbox_tasks.delegated_from`
keeps the absent assignee a task was routed away from.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_key', sa.String(length=300), nullable=False),
        sa.Column('event', sa.String(length=60), nullable=False),
        sa.Column('appeal_id', sa.Integer(), nullable=True),
        sa.Column('recipient', sa.String(length=255), nullable=False),
        sa.Column('recipient_login', sa.String(length=100), nullable=True),
        sa.Column('subject', sa.String(length=500), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('claimed_by', sa.String(length=100), nullable=True),
        sa.Column('claimed_until', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_event_key', ['event_key'], unique=True)
        batch_op.create_index('ix_outbox_appeal_id', ['appeal_id'], unique=False)
        batch_op.create_index('ix_outbox_due', ['state', 'next_attempt_at'], unique=False)

    op.create_table(
        'absences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('login', sa.String(length=100), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('starts_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ends_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('substitute', sa.String(length=100), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.create_index('ix_absence_login_period', ['login', 'starts_at', 'ends_at'], unique=False)
        batch_op.create_index('ix_absences_substitute', ['substitute'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_key', sa.String(length=300), nullable=True))
        batch_op.create_index('ix_notifications_event_key', ['event_key'], unique=True)

    with op.batch_alter_table('inbox_tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delegated_from', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inbox_tasks', schema=None) as batch_op:
        batch_op.drop_column('delegated_from')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_event_key')
        batch_op.drop_column('event_key')
    op.drop_table('absences')
    op.drop_table('outbox')
