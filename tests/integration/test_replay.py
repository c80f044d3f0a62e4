"""Replay (issue 7): every generated appeal rebuilt from its history matches the stored state; a
tampered replay record is reported; replay writes nothing."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import bindparam, func, select, text
from sqlalchemy.exc import OperationalError

import services.audit
from engine.db import Database
from engine.migration import migrate_instances
from engine.models import HistoryEvent, InboxTask, ProcessInstance, Timer
from engine.replay import replay_instance
from services.appeals import actions
from services.appeals.intake import submit_appeal
from services.audit import replay_all, verify_history
from services.models import Appeal
from services.people.directory import actor_for
from services.work import inbox
from tests.appeal_mix import SteppingClock, generate_appeals
from tests.support import COMPANY, FACT_PROBLEM, build_world

TRIGGER = "history_events_append_only"


@pytest.fixture
def stepping(app, ctx):
    """The app's context on a clock the generator moves (the fixed clock of the other tests stays put)."""
    clock = SteppingClock()
    ctx.clock = clock
    build_world(ctx)
    return clock


def _is_pg(ctx) -> bool:
    return ctx.db.engine.dialect.name == "postgresql"


def test_replay_of_generated_appeals_matches(ctx, stepping):
    count = 150 if _is_pg(ctx) else 1000
    ids = generate_appeals(ctx, stepping, count)
    with ctx.db.unit_of_work() as uow:
        actions = Counter(uow.session.scalars(select(HistoryEvent.action)))
        statuses = Counter(uow.session.scalars(select(Appeal.status)))
        auto_closed = uow.session.scalar(select(func.count()).select_from(HistoryEvent).where(
            HistoryEvent.action == "timer", HistoryEvent.status_from != HistoryEvent.status_to))
    assert len(ids) == count
    for action in ("clarify", "reply", "reject", "redirect", "extend", "deny", "return", "rework", "overdue"):
        assert actions[action] > 0, f"the mix has no {action}"
    assert auto_closed > 0 and statuses["rejected"] > 0 and statuses["resolved"] > 0
    assert sum(n for s, n in statuses.items() if s not in ("rejected", "resolved", "not_resolved", "deferred")) > 0
    summary = replay_all(ctx)
    assert summary.instances == count and summary.not_replayable == []
    assert [(r.instance_id, r.differences) for r in summary.mismatches] == []
    assert summary.matched == count
    assert verify_history(ctx).ok


def test_replay_in_several_processes_gives_the_same_answer(ctx, stepping, monkeypatch):
    monkeypatch.setattr("services.audit.PARALLEL_FROM", 1)
    forked = []
    in_processes = services.audit._in_processes
    monkeypatch.setattr("services.audit._in_processes", lambda *a: forked.append(1) or in_processes(*a))
    generate_appeals(ctx, stepping, 24, seed=3, group=24)
    one, two = replay_all(ctx), replay_all(ctx, jobs=2)
    assert forked == [1]
    assert (one.instances, one.matched, one.ok) == (two.instances, two.matched, two.ok) == (24, 24, True)


def _accept_event(ctx) -> HistoryEvent:
    with ctx.db.unit_of_work() as uow:
        event = uow.session.scalars(select(HistoryEvent).where(HistoryEvent.action == "accept")
                                    .order_by(HistoryEvent.id)).first()
        uow.session.expunge_all()
        return event


def _set_replay(ctx, event_id: int, record: dict) -> None:
    with ctx.db.engine.begin() as conn:
        if _is_pg(ctx):
            conn.exec_driver_sql(f"ALTER TABLE history_events DISABLE TRIGGER {TRIGGER}")
        conn.execute(text("UPDATE history_events SET replay = :replay WHERE id = :id").bindparams(
            bindparam("replay", type_=HistoryEvent.__table__.c.replay.type)), {"replay": record, "id": event_id})
        if _is_pg(ctx):
            conn.exec_driver_sql(f"ALTER TABLE history_events ENABLE TRIGGER {TRIGGER}")


def test_a_tampered_replay_record_is_reported(ctx, stepping):
    generate_appeals(ctx, stepping, 12, seed=5, group=12)
    accept = _accept_event(ctx)
    assert accept.replay["op"] == "complete" and accept.replay["task"] == "moderate"
    org = accept.replay["extra"]["executor_org"]
    other = "tosno" if org == "kdh" else "kdh"
    forged = {**accept.replay, "fields": {**accept.replay["fields"], "executor_org": other},
              "extra": {**accept.replay["extra"], "executor_org": other}}
    _set_replay(ctx, accept.id, forged)
    summary = replay_all(ctx)
    [bad] = summary.mismatches
    assert bad.instance_id == accept.instance_id and summary.matched == 11
    assert any("executor_org" in d for d in bad.differences), bad.differences
    assert [(p.kind, p.row_id) for p in verify_history(ctx).problems] == [("changed", accept.id)]


def test_a_replay_record_naming_another_action_stops_at_that_step(ctx, stepping):
    generate_appeals(ctx, stepping, 6, seed=5, group=6)
    accept = _accept_event(ctx)
    _set_replay(ctx, accept.id, {**accept.replay, "action": "reject", "fields": {"reason": "x"}, "extra": {}})
    with ctx.db.unit_of_work() as uow:
        result = replay_instance(uow.session, ctx.engine, accept.instance_id)
    assert not result.matches
    assert result.differences[0].startswith(f"шаг 2 (событие #{accept.id}, accept): запись шага (moderate, reject) "
                                            "не совпадает с историей (moderate, accept)")
    assert "записан статус in_execution, воспроизведение даёт rejected" in result.differences[1]
    assert [s.status for s in result.steps][:2] == ["on_moderation", "rejected"]


def _fingerprint(ctx) -> tuple:
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        return (s.scalar(select(func.count()).select_from(HistoryEvent)),
                tuple(s.execute(select(ProcessInstance.id, ProcessInstance.version, ProcessInstance.status,
                                       ProcessInstance.steps).order_by(ProcessInstance.id))),
                s.scalar(select(func.count()).select_from(InboxTask)),
                tuple(s.execute(select(Timer.id, Timer.state, Timer.due_at).order_by(Timer.id))))


def test_replay_writes_nothing_and_its_connection_cannot(ctx, stepping, database_url):
    generate_appeals(ctx, stepping, 8, seed=11, group=8)
    before = _fingerprint(ctx)
    assert replay_all(ctx).ok
    with ctx.db.unit_of_work() as uow:
        instance_id = uow.session.scalar(select(ProcessInstance.id).order_by(ProcessInstance.id))
        assert replay_instance(uow.session, ctx.engine, instance_id).matches
    assert _fingerprint(ctx) == before
    reader = Database(database_url, read_only=True)
    try:
        with pytest.raises(OperationalError if not _is_pg(ctx) else Exception, match="(?i)read.only|readonly"):
            with reader.unit_of_work() as uow:
                uow.session.execute(text("UPDATE process_instances SET steps = steps + 1"))
    finally:
        reader.dispose()


def test_an_instance_moved_to_a_new_version_replays_across_the_move(ctx, stepping):
    with ctx.db.unit_of_work() as uow:
        people = {login: actor_for(uow.session, login) for login in ("investor", "moderator", "kdh_manager")}
    aid = submit_appeal(ctx, people["investor"], {"fact": FACT_PROBLEM, "subject": "s", "description": "d",
                                                  "company": COMPANY})["id"]
    task = inbox.list_tasks(ctx, people["moderator"])[0]
    actions.complete_task(ctx, people["moderator"], task["id"], {"action": "accept", "executor_org": "kdh"})
    xml = (Path(__file__).resolve().parents[2] / "workflows" / "bpmn" / "appeal.bpmn").read_bytes()
    xml = xml.replace("Оценить ответ или отправить на доработку".encode(), "Оцените ответ".encode())
    with ctx.db.unit_of_work() as uow:
        ctx.engine.deploy(uow.session, xml, "appeal.bpmn", "analyst", stepping.now)
        report = migrate_instances(ctx.engine, uow.session, "appeal", 2, "analyst", stepping.now)
        uow.commit()
    assert [m.moved for m in report.instances] == [True], report.instances
    stepping.advance(hours=1)
    task = inbox.list_tasks(ctx, people["kdh_manager"])[0]
    actions.complete_task(ctx, people["kdh_manager"], task["id"], {"action": "take"})
    summary = replay_all(ctx)
    assert summary.ok and summary.matched == 1, [r.differences for r in summary.mismatches]
    with ctx.db.unit_of_work() as uow:
        instance_id = uow.session.scalar(select(Appeal.instance_id).where(Appeal.id == aid))
        steps = replay_instance(uow.session, ctx.engine, instance_id).steps
    assert [s.action for s in steps] == ["submit", "accept", "migrate", "take"]
