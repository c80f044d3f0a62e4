"""time (issue 5): timer claims and kinds, incidents, calendar override kinds

`timers` gains `kind` (bpmn | overdue | sla_warning), a claim lease (`claimed_by`, `claimed_until`) and
`attempts`; `incidents` records a failing timer handler for admins; `calendar_overrides` gains `kind`
(working | holiday | shortened).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='bpmn'))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', engine.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('timer_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('appeal_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_attempt_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['timer_id'], ['timers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index('ix_incident_open', ['resolved_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_timer_id'), ['timer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_appeal_id'), ['appeal_id'], unique=False)
    with op.batch_alter_table('calendar_overrides', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='holiday'))
    op.execute("UPDATE calendar_overrides SET kind = 'working' WHERE working")


def downgrade() -> None:
    with op.batch_alter_table('calendar_overrides', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incidents_appeal_id'))
        batch_op.drop_index(batch_op.f('ix_incidents_timer_id'))
        batch_op.drop_index('ix_incident_open')
    op.drop_table('incidents')
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('kind')
