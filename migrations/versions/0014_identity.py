"""Sign-in through OpenID Connect providers and investors' self-registration (issue 18)

Revision ID: 0014
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

import engine.db


revision = '0014'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user_identities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('login', sa.String(length=100), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_sign_in_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['login'], ['users.login']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('provider', 'subject'),
    )
    op.create_index('ix_user_identities_login', 'user_identities', ['login'], unique=False)
    op.create_table(
        'signup_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=255), nullable=False),
        sa.Column('login', sa.String(length=100), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('company', sa.JSON(), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('used_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('remote_addr', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_signup_requests_email', 'signup_requests', ['email'], unique=False)
    op.create_index('ix_signup_requests_login', 'signup_requests', ['login'], unique=False)
    op.create_index('ix_signup_requests_created_at', 'signup_requests', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_table('signup_requests')
    op.drop_table('user_identities')
