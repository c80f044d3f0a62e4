"""Races on one task: exactly one completion wins, on SQLite and on PostgreSQL."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from engine.errors import ConcurrentUpdate, InvalidTransition
from engine.models import HistoryEvent
from services import actions, inbox
from services.directory import actor_for
from services.intake import submit_appeal
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
        except (InvalidTransition, ConcurrentUpdate):
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
