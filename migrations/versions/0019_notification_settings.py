"""notification settings: each user's choice of letters (at once, a daily digest, off)

`notification_settings` holds one row per user who chose something other than the default (letters at
once). Letters held for the daily digest stay in `outbox` with the state `digest` until the scheduler's
digest job folds them into one letter (`digested`); no schema change is needed for those states.

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0019'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notification_settings',
        sa.Column('login', sa.String(length=100), nullable=False),
        sa.Column('email', sa.String(length=16), nullable=False, server_default='immediate'),
        sa.Column('updated_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('login'),
    )


def downgrade() -> None:
    op.drop_table('notification_settings')
