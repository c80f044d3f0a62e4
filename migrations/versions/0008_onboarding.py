"""registrations, project meetings and project tasks (Leningrad onboarding, seed 000 sections 2–4)

Issue 4: the registration request and support application the onboarding process follows
(seed 000 items 2.1–2.2), meetings with their protocol due the next working day (items 3.1–3.3)
and project to-dos, including the cadence's update task (item 4.3).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, engine.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        'registrations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('company_org', sa.String(length=64), nullable=False),
        sa.Column('company_name', sa.String(length=500), nullable=False),
        sa.Column('inn', sa.String(length=12), nullable=False),
        sa.Column('ogrn', sa.String(length=15), nullable=False),
        sa.Column('address', sa.String(length=500), nullable=False),
        sa.Column('contact_name', sa.String(length=255), nullable=False),
        sa.Column('contact_phone', sa.String(length=40), nullable=True),
        sa.Column('contact_email', sa.String(length=255), nullable=True),
        sa.Column('investor_login', sa.String(length=100), nullable=True),
        sa.Column('registered_by', sa.String(length=100), nullable=False),
        sa.Column('status', sa.String(length=40), nullable=False),
        _ts('created_at', False),
        _ts('confirm_due_at', False),
        sa.Column('manager_login', sa.String(length=100), nullable=True),
        sa.Column('application', sa.JSON(none_as_null=True), nullable=True),
        sa.Column('okved_check', sa.JSON(none_as_null=True), nullable=True),
        _ts('check_due_at'),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        _ts('closed_at'),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id']),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    for name in ('company_org', 'inn', 'investor_login', 'status', 'created_at', 'manager_login', 'project_id'):
        op.create_index(f'ix_registrations_{name}', 'registrations', [name], unique=False)
    op.create_table(
        'project_meetings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('agenda', sa.Text(), nullable=False),
        _ts('planned_at', False),
        sa.Column('protocol_due', sa.Date(), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        _ts('created_at', False),
        sa.Column('protocol_kind', sa.String(length=20), nullable=True),
        sa.Column('protocol_text', sa.Text(), nullable=True),
        _ts('protocol_at'),
        sa.Column('protocol_by', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_project_meetings_project_id', 'project_meetings', ['project_id'], unique=False)
    op.create_index('ix_project_meetings_planned_at', 'project_meetings', ['planned_at'], unique=False)
    op.create_table(
        'project_tasks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('assignee_login', sa.String(length=100), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('open_key', sa.String(length=40), nullable=True),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        _ts('created_at', False),
        _ts('done_at'),
        sa.Column('done_by', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['meeting_id'], ['project_meetings.id']),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'open_key'),
    )
    for name in ('project_id', 'kind', 'assignee_login', 'due_date'):
        op.create_index(f'ix_project_tasks_{name}', 'project_tasks', [name], unique=False)


def downgrade() -> None:
    op.drop_table('project_tasks')
    op.drop_table('project_meetings')
    op.drop_table('registrations')
