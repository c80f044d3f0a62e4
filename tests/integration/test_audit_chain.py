"""Tamper evidence (issue 7): history rows are hash-chained per appeal; `audit verify` names every row
that was changed, removed or inserted; on PostgreSQL a trigger refuses UPDATE and DELETE."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import bindparam, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from engine.audit import event_hash
from engine.models import HistoryEvent
from services.appeals import actions
from services.appeals.appeal import add_comment
from services.appeals.intake import submit_appeal
from services.audit import verify_history
from services.people.directory import actor_for
from services.work import inbox
from tests.support import COMPANY, FACT_PROBLEM, build_world

TRIGGER = "history_events_append_only"


@pytest.fixture
def people(ctx):
    build_world(ctx)
    with ctx.db.unit_of_work() as uow:
        return {login: actor_for(uow.session, login) for login in ("investor", "moderator", "kdh_manager", "head")}


def _file(ctx, people) -> int:
    return submit_appeal(ctx, people["investor"], {"fact": FACT_PROBLEM, "subject": "s", "description": "d",
                                                   "company": COMPANY})["id"]


def _do(ctx, people, login, appeal_id, action, **fields):
    task = next(t for t in inbox.list_tasks(ctx, people[login]) if t["appeal_id"] == appeal_id)
    actions.complete_task(ctx, people[login], task["id"], {"action": action, **fields})


def _rows(ctx, appeal_id) -> list[HistoryEvent]:
    with ctx.db.unit_of_work() as uow:
        rows = list(uow.session.scalars(select(HistoryEvent).where(HistoryEvent.subject_id == appeal_id)
                                        .order_by(HistoryEvent.id)))
        uow.session.expunge_all()  # plain values after the (read-only) unit of work rolls back
        return rows


def _two_appeals(ctx, people) -> tuple[int, int]:
    first, second = _file(ctx, people), _file(ctx, people)
    _do(ctx, people, "moderator", first, "accept", executor_org="kdh")
    _do(ctx, people, "moderator", second, "clarify", question="Уточните адрес")
    add_comment(ctx, people["moderator"], first, "Взято на контроль")
    _do(ctx, people, "kdh_manager", first, "take")
    return first, second


def _is_pg(ctx) -> bool:
    return ctx.db.engine.dialect.name == "postgresql"


def _tamper(ctx, sql: str, **params) -> None:
    """Change history behind the application's back. On PostgreSQL the table's owner has to switch
    the trigger off first (an application role that does not own the table cannot)."""
    with ctx.db.engine.begin() as conn:
        if _is_pg(ctx):
            conn.exec_driver_sql(f"ALTER TABLE history_events DISABLE TRIGGER {TRIGGER}")
        conn.execute(_sql(sql), params)
        if _is_pg(ctx):
            conn.exec_driver_sql(f"ALTER TABLE history_events ENABLE TRIGGER {TRIGGER}")


def _sql(sql: str):
    """Raw SQL with the columns' own types for :at and :data (both databases)."""
    statement = text(sql)
    return statement.bindparams(*(bindparam(name, type_=HistoryEvent.__table__.c[name].type)
                                  for name in ("at", "data") if f":{name}" in sql))


def test_each_row_carries_the_hash_of_the_previous_row_of_its_appeal(ctx, people):
    first, second = _two_appeals(ctx, people)
    for appeal_id in (first, second):
        rows = _rows(ctx, appeal_id)
        assert rows[0].prev_hash is None
        assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
        assert all(r.hash == event_hash({c: getattr(r, c) for c in HistoryEvent.__table__.columns.keys()})
                   for r in rows)
    assert [r.action for r in _rows(ctx, first)] == ["submit", "accept", "comment", "take"]
    report = verify_history(ctx)
    assert report.ok and report.subjects == 2 and report.rows == 6


def test_changing_one_row_is_named_by_audit_verify(ctx, people):
    first, _second = _two_appeals(ctx, people)
    accept = _rows(ctx, first)[1]
    if _is_pg(ctx):
        with pytest.raises(DBAPIError, match="append-only"), ctx.db.engine.begin() as conn:
            conn.execute(text("UPDATE history_events SET actor = 'intruder' WHERE id = :id"), {"id": accept.id})
    _tamper(ctx, "UPDATE history_events SET actor = 'intruder' WHERE id = :id", id=accept.id)
    report = verify_history(ctx)
    assert [(p.kind, p.row_id, p.subject_id) for p in report.problems] == [("changed", accept.id, first)]
    assert f"#{accept.id}" in report.problems[0].message


def test_changing_a_row_and_its_hash_breaks_the_next_link(ctx, people):
    first, _second = _two_appeals(ctx, people)
    rows = _rows(ctx, first)
    forged = {c: getattr(rows[1], c) for c in HistoryEvent.__table__.columns.keys()}
    forged["data"] = {**forged["data"], "executor_org": "tosno"}
    _tamper(ctx, "UPDATE history_events SET data = :data, hash = :hash WHERE id = :id",
            data=forged["data"], hash=event_hash(forged), id=rows[1].id)
    problems = verify_history(ctx).problems
    assert [(p.kind, p.row_id) for p in problems] == [("removed", rows[2].id)]
    assert f"#{rows[1].id}" in problems[0].message, "the message names the row that may have been changed"


def test_deleting_a_row_is_caught(ctx, people):
    first, _second = _two_appeals(ctx, people)
    rows = _rows(ctx, first)
    if _is_pg(ctx):
        with pytest.raises(DBAPIError, match="append-only"), ctx.db.engine.begin() as conn:
            conn.execute(text("DELETE FROM history_events WHERE id = :id"), {"id": rows[1].id})
    _tamper(ctx, "DELETE FROM history_events WHERE id = :id", id=rows[1].id)
    problems = verify_history(ctx).problems
    assert [(p.kind, p.row_id, p.subject_id) for p in problems] == [("removed", rows[2].id, first),
                                                                     ("removed", None, first)]
    assert f"#{rows[0].id}" in problems[0].message
    assert "событий с записью шага 2" in problems[1].message, "an engine step is missing too"


def test_deleting_the_last_engine_event_is_caught_by_the_step_count(ctx, people):
    first, _second = _two_appeals(ctx, people)
    last = _rows(ctx, first)[-1]
    assert last.action == "take"
    _tamper(ctx, "DELETE FROM history_events WHERE id = :id", id=last.id)
    problems = verify_history(ctx).problems
    assert [(p.kind, p.subject_id) for p in problems] == [("removed", first)]
    assert "3 шагов движка" in problems[0].message and "событий с записью шага 2" in problems[0].message


def test_a_row_added_behind_the_application_is_named(ctx, people):
    first, _second = _two_appeals(ctx, people)
    tip = _rows(ctx, first)[-1]
    with ctx.db.engine.begin() as conn:
        conn.execute(_sql("INSERT INTO history_events (subject_type, subject_id, instance_id, at, actor, action, "
                          "data) VALUES ('appeal', :sid, NULL, :at, 'intruder', 'approve', :data)"),
                     {"sid": first, "at": tip.at, "data": {}})
    problems = verify_history(ctx).problems
    inserted = [p for p in problems if p.kind == "inserted"]
    assert len(inserted) == 1 and inserted[0].subject_id == first and "без хеша" in inserted[0].message


def test_a_fork_of_a_chain_is_refused_by_the_database(ctx, people):
    first, _second = _two_appeals(ctx, people)
    rows = _rows(ctx, first)
    with pytest.raises(IntegrityError), ctx.db.engine.begin() as conn:  # claims the same predecessor as rows[2]
        conn.execute(_sql("INSERT INTO history_events (subject_type, subject_id, at, actor, action, data, "
                          "prev_hash, hash) VALUES ('appeal', :sid, :at, 'intruder', 'approve', :data, :prev, :h)"),
                     {"sid": first, "at": rows[2].at, "data": {}, "prev": rows[1].hash, "h": "0" * 64})
    assert verify_history(ctx).ok


def test_postgres_trigger_leaves_truncate_possible(ctx, people):
    if not _is_pg(ctx):
        pytest.skip("the trigger exists on PostgreSQL only")
    _two_appeals(ctx, people)
    with ctx.db.engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE history_events")
        assert conn.execute(text("SELECT count(*) FROM history_events")).scalar() == 0


def test_comments_racing_with_a_step_keep_one_unbroken_chain(ctx, people):
    """Comments do not run the engine; on PostgreSQL they take the instance's row lock before appending,
    so ten comments and a completion at the same moment still form one chain."""
    first = _file(ctx, people)
    barrier = threading.Barrier(11)
    errors: list[Exception] = []

    def comment(n: int) -> None:
        barrier.wait()
        try:
            add_comment(ctx, people["moderator"], first, f"комментарий {n}")
        except Exception as err:  # noqa: BLE001 - collected and reported below
            errors.append(err)

    def accept() -> None:
        barrier.wait()
        _do(ctx, people, "moderator", first, "accept", executor_org="kdh")

    threads = [threading.Thread(target=comment, args=(n,)) for n in range(10)] + [threading.Thread(target=accept)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = _rows(ctx, first)
    assert len(rows) == 12 and [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert verify_history(ctx).ok
