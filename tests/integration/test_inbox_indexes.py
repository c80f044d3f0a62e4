"""The inbox reads through its indexes (migration 0018): the open inbox by its two partial indexes over open
rows (named tasks; an organisation role's queue), the done tab by `closed_by`, never a role's whole history."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from services.people.directory import actor_for
from services.work import inbox
from tests.support import build_world


def _inbox_plans(ctx, state: str) -> str:
    seen: list[tuple[str, object]] = []

    def _record(conn, cursor, statement, parameters, *_):
        if "FROM inbox_tasks" in statement:
            seen.append((statement, parameters))

    with ctx.db.reading() as uow:
        actor = actor_for(uow.session, "kdh_manager")
    event.listen(ctx.db.engine, "before_cursor_execute", _record)
    try:
        inbox.list_tasks(ctx, actor, state=state)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", _record)
    sqlite = ctx.db.engine.dialect.name == "sqlite"
    plans = []
    with ctx.db.engine.connect() as conn:
        if not sqlite:  # an empty table is cheapest read whole: ask for the plan the indexes give
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in seen[:1]:
            rows = conn.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters)
            plans += [str(r[-1]) for r in rows]
    return "\n".join(plans)


def test_the_open_inbox_reads_the_two_partial_indexes(ctx):
    build_world(ctx)
    plan = _inbox_plans(ctx, "open")
    assert "ix_inbox_open_assignee" in plan and "ix_inbox_open_queue" in plan, plan


def test_the_done_tab_reads_the_closed_by_index(ctx):
    if ctx.db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's choice between equal indexes on an empty table is its own")
    build_world(ctx)
    assert "ix_inbox_closed_by" in _inbox_plans(ctx, "done")
