"""projects: passport, manager, commissioner, stage, status, process; organisations.ogrn

Issue 4 (onboarding) and issue 6 (ОГРН in the case file). The passport follows seed 000 item 2.3
(Leningrad support application) and seed 003 item 46 (Kazakhstan passport: pack-specific fields go
to `details`). `info_updated_at` drives the stage cadence (seed 000 item 4.3).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

COLUMNS = [
    sa.Column('pack', sa.String(length=40), nullable=False, server_default='leningrad'),
    sa.Column('company_name', sa.String(length=500), nullable=True),
    sa.Column('company_inn', sa.String(length=12), nullable=True),
    sa.Column('company_ogrn', sa.String(length=15), nullable=True),
    sa.Column('okved', sa.String(length=255), nullable=True),
    sa.Column('sector', sa.String(length=120), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=True),
    sa.Column('investment_volume', sa.Numeric(20, 2), nullable=True),
    sa.Column('jobs', sa.Integer(), nullable=True),
    sa.Column('site', sa.String(length=500), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('region', sa.String(length=120), nullable=True),
    sa.Column('commissioner_login', sa.String(length=100), nullable=True),
    sa.Column('status', sa.String(length=40), nullable=False, server_default='active'),
    sa.Column('details', sa.JSON(), nullable=False, server_default='{}'),
    sa.Column('info_updated_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
]
INDEXED = ('pack', 'company_inn', 'sector', 'region', 'commissioner_login', 'stage', 'status', 'info_updated_at')


def upgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ogrn', sa.String(length=15), nullable=True))
    with op.batch_alter_table('projects', schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.add_column(column)
        for name in INDEXED:
            batch_op.create_index(f'ix_projects_{name}', [name], unique=False)
        batch_op.create_foreign_key('fk_projects_instance_id', 'process_instances', ['instance_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint('fk_projects_instance_id', type_='foreignkey')
        for name in INDEXED:
            batch_op.drop_index(f'ix_projects_{name}')
        for column in reversed(COLUMNS):
            batch_op.drop_column(column.name)
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('ogrn')
