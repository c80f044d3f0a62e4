"""A user's step and a timer sweep on the same appeal at the same moment (issue 5): the manager answers,
or the head approves the answer, just as the appeal's deadline timers come due. On PostgreSQL a third connection holds the appeal's
instance row until both are queued behind it, so they really overlap (in the order given); SQLite
serializes the two writers. Neither may fail or deadlock, nothing is lost, the history chain stays
valid, the appeal is escalated once, and its `overdue` timer either fired or was made obsolete by the approval."""
from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from sqlalchemy import func, select, text

from engine.models import HistoryEvent, Incident, Timer
from services.appeals import actions
from services.appeals.intake import submit_appeal
from services.audit import verify_history
from services.models import Appeal
from services.people.directory import actor_for
from services.work import inbox
from services.work.timers import fire_due_timers, sweep
from tests.support import COMPANY, FACT_CONSULTATION, build_world


def _actors(ctx, *logins):
    with ctx.db.unit_of_work() as uow:
        return [actor_for(uow.session, login) for login in logins]


def _task(ctx, actor, appeal_id):
    return [t for t in inbox.list_tasks(ctx, actor) if t["appeal_id"] == appeal_id][0]["id"]


def _waiting_on_locks(ctx) -> int:
    with ctx.db.engine.connect() as conn:
        return conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND wait_event_type = 'Lock'"))


def _until(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the threads never queued for the instance lock")
        time.sleep(0.02)


STEPS = {"answer": ("kdh_manager", {"action": "answer", "text": "Ответ", "outcome": "resolved"}),
         "approve": ("head", {"action": "approve"})}  # the head's approval answers: the SLA timers are obsolete


@pytest.mark.parametrize("first", ["user", "sweep"])
@pytest.mark.parametrize("step", ["answer", "approve"])
def test_a_users_step_and_the_overdue_sweep_at_once(ctx, clock, database_url, step, first):
    build_world(ctx)
    investor, moderator, manager = _actors(ctx, "investor", "moderator", "kdh_manager")
    login, body = STEPS[step]
    [person] = _actors(ctx, login)
    appeal_id = submit_appeal(ctx, investor, {"fact": FACT_CONSULTATION, "subject": "s", "description": "d",
                                              "company": COMPANY})["id"]
    actions.complete_task(ctx, moderator, _task(ctx, moderator, appeal_id),
                          {"action": "accept", "executor_org": "kdh", "manager": "kdh_manager"})
    actions.complete_task(ctx, manager, _task(ctx, manager, appeal_id), {"action": "take"})
    clock.advance(days=4)
    assert fire_due_timers(ctx) == 1  # the SLA warning, out of the way
    if step == "approve":
        actions.complete_task(ctx, manager, _task(ctx, manager, appeal_id), STEPS["answer"][1])
    clock.advance(days=2, hours=1)  # past the deadline: the overdue and the diagram's deadline timers are due
    task_id = _task(ctx, person, appeal_id)
    results: dict[str, object] = {}

    def user():
        try:
            results["user"] = actions.complete_task(ctx, person, task_id, body)
        except Exception as err:  # noqa: BLE001 - reported by the assertions below
            results["user"] = err

    def sweeper():
        try:
            results["sweep"] = sweep(ctx, worker="sweeper")
        except Exception as err:  # noqa: BLE001
            results["sweep"] = err

    threads = {"user": threading.Thread(target=user), "sweep": threading.Thread(target=sweeper)}
    order = [first, "sweep" if first == "user" else "user"]
    if database_url.startswith("postgresql"):
        with ctx.db.engine.connect() as blocker:
            instance_id = blocker.scalar(select(Appeal.instance_id).where(Appeal.id == appeal_id))
            blocker.execute(text("SELECT id FROM process_instances WHERE id = :i FOR UPDATE"), {"i": instance_id})
            for queued, name in enumerate(order, start=1):
                threads[name].start()
                _until(lambda n=queued: _waiting_on_locks(ctx) >= n)
            blocker.commit()
    else:
        for name in order:
            threads[name].start()
    for thread in threads.values():
        thread.join(60)
        assert not thread.is_alive(), "deadlocked"

    assert not isinstance(results["user"], Exception), results["user"]
    assert not isinstance(results["sweep"], Exception), results["sweep"]
    assert results["sweep"].failed == 0
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        appeal = s.get(Appeal, appeal_id)
        events = Counter(s.scalars(select(HistoryEvent.action).where(HistoryEvent.subject_type == "appeal",
                                                                   HistoryEvent.subject_id == appeal_id)))
        overdue_timer = s.scalar(select(Timer).where(Timer.task_uuid == f"overdue:{appeal_id}"))
        incidents = s.scalar(select(func.count()).select_from(Incident))
        assert appeal.answer_text == "Ответ", "the answer was lost"
        assert (appeal.answered_at is not None) == (step == "approve"), "the approval was lost"
        assert appeal.status == results["user"]["status_to"]
        # the deadline passed unanswered: escalated once, by the sweep or by the step's own run (the
        # diagram's deadline timer); the `overdue` timer fired (done) or the approval made it obsolete
        assert events["overdue"] == 1 and appeal.overdue_at is not None, "escalated twice or never"
        assert overdue_timer.state in (("done", "cancelled") if step == "approve" else ("done",))
        assert incidents == 0
        assert s.scalar(select(func.count()).select_from(Timer).where(Timer.state.in_(("claimed", "retry")))) == 0
    assert verify_history(ctx).ok
    assert sweep(ctx).fired == 0
    clock.advance(days=1)
    assert sweep(ctx).failed == 0
