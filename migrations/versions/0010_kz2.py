"""Kazakhstan: a chat per project (seed 003 item 42)

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

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


def downgrade() -> None:
    op.drop_index('ix_kz_messages_project_id', table_name='kz_messages')
    op.drop_table('kz_messages')
