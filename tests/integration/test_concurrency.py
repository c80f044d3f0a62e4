"""Races on one task: exactly one completion wins, on SQLite and on PostgreSQL."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, update

from engine import errors as engine_errors
from engine.models import HistoryEvent, InboxTask, ProcessInstance
from services import errors as service_errors
from services.appeals import actions
from services.appeals.intake import submit_appeal
from services.models import Appeal
from services.people.directory import actor_for
from services.work import inbox
from tests.support import COMPANY, FACT_PROBLEM, build_world


def test_twenty_threads_completing_one_task_one_wins(ctx):
    build_world(ctx)
    with ctx.db.unit_of_work() as uow:
        investor, moderator = actor_for(uow.session, "investor"), actor_for(uow.session, "moderator")
    appeal = submit_appeal(ctx, investor, {"fact": FACT_PROBLEM, "subject": "s", "description": "d",
                                           "company": COMPANY})
    task_id = inbox.list_tasks(ctx, moderator)[0]["id"]
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        try:
            actions.complete_task(ctx, moderator, task_id, {"action": "accept", "executor_org": "kdh"})
            result = "won"
        except (service_errors.InvalidTransition, engine_errors.InvalidTransition, engine_errors.ConcurrentUpdate):
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("won") == 1 and outcomes.count("conflict") == 19
    with ctx.db.unit_of_work() as uow:
        accepts = uow.session.scalar(select(func.count()).select_from(HistoryEvent).where(
            HistoryEvent.subject_id == appeal["id"], HistoryEvent.action == "accept"))
    assert accepts == 1


def test_a_version_changed_before_the_commit_fails_it_and_writes_nothing(ctx, monkeypatch):
    """complete_task writes the instance row at commit (one flush): a version that moved meanwhile
    (another writer) is a 409 ConcurrentUpdate, and nothing of the step stays (no event, task still open)."""
    build_world(ctx)
    with ctx.db.unit_of_work() as uow:
        investor, moderator = actor_for(uow.session, "investor"), actor_for(uow.session, "moderator")
    appeal = submit_appeal(ctx, investor, {"fact": FACT_PROBLEM, "subject": "s", "description": "d",
                                           "company": COMPANY})
    task_id = inbox.list_tasks(ctx, moderator)[0]["id"]
    with ctx.db.unit_of_work() as uow:
        events_before = uow.session.scalar(select(func.count()).select_from(HistoryEvent))
    real_view = actions.appeal_view

    def view_after_a_rival_write(ctx_, session, appeal_row, now, *rest):  # the rival bumps the version in between
        session.execute(update(ProcessInstance).where(ProcessInstance.id == appeal_row.instance_id)
                        .values(version=ProcessInstance.version + 1).execution_options(synchronize_session=False))
        return real_view(ctx_, session, appeal_row, now, *rest)

    monkeypatch.setattr(actions, "appeal_view", view_after_a_rival_write)
    with pytest.raises(engine_errors.ConcurrentUpdate):
        actions.complete_task(ctx, moderator, task_id, {"action": "accept", "executor_org": "kdh"})
    monkeypatch.setattr(actions, "appeal_view", real_view)
    with ctx.db.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(HistoryEvent)) == events_before
        assert uow.session.get(InboxTask, task_id).state == "open"
        assert uow.session.get(Appeal, appeal["id"]).executor_org is None
    done = actions.complete_task(ctx, moderator, task_id, {"action": "accept", "executor_org": "kdh"})
    assert done["appeal"]["executor_org"] == "kdh"  # the retry works (the live cache did not keep the failed run)
