"""Kazakhstan: roadmap tasks, МРП by year, DMN versions beside BPMN ones

Issue 4 (seed 003 items 47–48, 61, 62, 65; pools by МРП, items 23, 26, 29) and issue 7 (DMN
deployment: `process_definitions.kind` tells a decision model from a diagram). The МРП of 2024–2026
(SPEC) are inserted; admins add later years through the API.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=8), nullable=False, server_default='bpmn'))
    op.create_table(
        'kz_roadmap_tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('expected_result', sa.Text(), nullable=True),
        sa.Column('support_measures', sa.Text(), nullable=True),
        sa.Column('risks', sa.Text(), nullable=True),
        sa.Column('responsible', sa.String(length=500), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('completed_on', sa.Date(), nullable=True),
        sa.Column('validation_due', sa.Date(), nullable=True),
        sa.Column('validated_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('validated_by', sa.String(length=100), nullable=True),
        sa.Column('validation_comment', sa.Text(), nullable=True),
        sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    for name in ('project_id', 'due_date', 'state', 'completed_on'):
        op.create_index(f'ix_kz_roadmap_tasks_{name}', 'kz_roadmap_tasks', [name], unique=False)
    mrp = op.create_table(
        'mrp_rates',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('mrp', sa.Integer(), nullable=False),
        sa.Column('updated_by', sa.String(length=100), nullable=True),
        sa.Column('updated_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('year'),
    )
    op.bulk_insert(mrp, [{'year': 2024, 'mrp': 3692}, {'year': 2025, 'mrp': 3932}, {'year': 2026, 'mrp': 4325}])


def downgrade() -> None:
    op.drop_table('mrp_rates')
    for name in ('project_id', 'due_date', 'state', 'completed_on'):
        op.drop_index(f'ix_kz_roadmap_tasks_{name}', table_name='kz_roadmap_tasks')
    op.drop_table('kz_roadmap_tasks')
    with op.batch_alter_table('process_definitions', schema=None) as batch_op:
        batch_op.drop_column('kind')
