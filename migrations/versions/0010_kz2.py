"""Kazakhstan: a chat per project (seed 003 item 42), the prosecutor's filter (items 57–60)

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'kz_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('author', sa.String(length=100), nullable=False),
        sa.Column('author_org', sa.String(length=64), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_kz_messages_project_id', 'kz_messages', ['project_id'], unique=False)
    op.create_table(
        'kz_prosecutor_cases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('measure', sa.String(length=40), nullable=False),
        sa.Column('act', sa.Text(), nullable=False),
        sa.Column('justification', sa.Text(), nullable=False),
        sa.Column('body_org', sa.String(length=64), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.Column('region', sa.String(length=120), nullable=True),
        sa.Column('prosecutor_org', sa.String(length=64), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('decision_comment', sa.Text(), nullable=True),
        sa.Column('decided_by', sa.String(length=100), nullable=True),
        sa.Column('decided_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    for name in ('project_id', 'prosecutor_org', 'state'):
        op.create_index(f'ix_kz_prosecutor_cases_{name}', 'kz_prosecutor_cases', [name], unique=False)


def downgrade() -> None:
    for name in ('project_id', 'prosecutor_org', 'state'):
        op.drop_index(f'ix_kz_prosecutor_cases_{name}', table_name='kz_prosecutor_cases')
    op.drop_table('kz_prosecutor_cases')
    op.drop_index('ix_kz_messages_project_id', table_name='kz_messages')
    op.drop_table('kz_messages')
