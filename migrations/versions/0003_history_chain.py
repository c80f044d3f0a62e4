"""history chain: prev_hash/hash and replay records on history_events; append-only on PostgreSQL

Issue 7. Existing rows are chained in id order per subject (their `replay` stays NULL: instances
started before this revision are reported as not replayable). On PostgreSQL a trigger refuses
UPDATE and DELETE on history_events (TRUNCATE, used by the tests, stays possible).

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

import engine.db
from engine.audit import event_hash

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TRIGGER_FUNCTION = """
CREATE OR REPLACE FUNCTION koridor_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'history_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""
TRIGGER = """
CREATE TRIGGER history_events_append_only BEFORE UPDATE OR DELETE ON history_events
FOR EACH ROW EXECUTE FUNCTION koridor_history_append_only()
"""

history = sa.table(
    'history_events',
    sa.column('id', sa.Integer()), sa.column('subject_type', sa.String()), sa.column('subject_id', sa.Integer()),
    sa.column('instance_id', sa.Integer()), sa.column('at', engine.db.UTCDateTime(timezone=True)),
    sa.column('actor', sa.String()), sa.column('role', sa.String()), sa.column('action', sa.String()),
    sa.column('task', sa.String()), sa.column('status_from', sa.String()), sa.column('status_to', sa.String()),
    sa.column('data', sa.JSON()), sa.column('replay', sa.JSON(none_as_null=True)),
    sa.column('prev_hash', sa.String()), sa.column('hash', sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table('history_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replay', sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    _backfill()
    with op.batch_alter_table('history_events', schema=None) as batch_op:
        batch_op.create_index('ux_history_chain', ['subject_type', 'subject_id', 'prev_hash'], unique=True)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(TRIGGER_FUNCTION)
        op.execute(TRIGGER)


def _backfill() -> None:
    """Chain the rows already there, oldest first within each subject."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(history).order_by(history.c.subject_type, history.c.subject_id,
                                                    history.c.id)).mappings().all()
    previous: dict[tuple, str] = {}
    updates = []
    for row in rows:
        key = (row['subject_type'], row['subject_id'])
        values = dict(row, replay=None, prev_hash=previous.get(key))
        values['hash'] = event_hash(values)
        previous[key] = values['hash']
        updates.append({'row_id': row['id'], 'prev_hash': values['prev_hash'], 'hash': values['hash']})
    if updates:
        bind.execute(history.update().where(history.c.id == sa.bindparam('row_id'))
                     .values(prev_hash=sa.bindparam('prev_hash'), hash=sa.bindparam('hash')), updates)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS history_events_append_only ON history_events')
        op.execute('DROP FUNCTION IF EXISTS koridor_history_append_only()')
    with op.batch_alter_table('history_events', schema=None) as batch_op:
        batch_op.drop_index('ux_history_chain')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('replay')
