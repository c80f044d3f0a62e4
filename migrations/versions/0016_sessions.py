"""Sessions and API tokens as rows (revocable), failed sign-ins counted in the database

Revision ID: 0016
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = '0016'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'auth_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('login', sa.String(length=100), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_auth_sessions_login', 'auth_sessions', ['login'], unique=False)
    op.create_index('ix_auth_sessions_expires_at', 'auth_sessions', ['expires_at'], unique=False)
    op.create_table(
        'sign_in_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('login', sa.String(length=100), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_sign_in_failures_login', 'sign_in_failures', ['login'], unique=False)
    op.create_index('ix_sign_in_failures_address', 'sign_in_failures', ['address'], unique=False)
    op.create_index('ix_sign_in_failures_at', 'sign_in_failures', ['at'], unique=False)


def downgrade() -> None:
    op.drop_table('sign_in_failures')
    op.drop_table('auth_sessions')
