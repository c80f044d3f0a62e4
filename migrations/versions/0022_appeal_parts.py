"""Participants' parts of an appeal with their own deadlines (issue 16)

Revision ID: 0022
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = '0022'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'appeal_parts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('appeal_id', sa.Integer(), nullable=False),
        sa.Column('org_code', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('opened_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('due', sa.Date(), nullable=False),
        sa.Column('due_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('closed_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('closed_how', sa.String(length=16), nullable=True),
        sa.Column('overdue_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['appeal_id'], ['appeals.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_appeal_parts_appeal_id', 'appeal_parts', ['appeal_id'], unique=False)
    op.create_index('ix_appeal_parts_org_open', 'appeal_parts', ['org_code', 'closed_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_appeal_parts_org_open', table_name='appeal_parts')
    op.drop_index('ix_appeal_parts_appeal_id', table_name='appeal_parts')
    op.drop_table('appeal_parts')
