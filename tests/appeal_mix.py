"""Many appeals driven through the services with a fixed, advancing clock (issue 7: replay tests, bench).

Each appeal is filed by the investor or by an operator (by phone, or a letter received days ago and
so overdue at once), then in rounds every open task is done (or left for later) with a random
action of its form: clarification, rejection, redirect, extension asked and approved or denied,
answers returned by the head, rework, rating; some investors never rate, so the rating timer closes
the appeal. Between rounds the clock moves on by hours or days and the timer sweep runs, so
deadlines pass (overdue escalation) and unrated answers close by themselves.
"""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from engine.models import InboxTask
from services.appeals.actions import complete_task
from services.appeals.intake import submit_appeal
from services.models import Appeal
from services.people.directory import actor_for
from services.work.timers import fire_due_timers
from tests.support import COMPANY, FACT_CONSULTATION, FACT_PROBLEM

LOGINS = ("investor", "operator", "moderator", "head", "kdh_manager", "tosno_manager")
MANAGER_OF = {"kdh": "kdh_manager", "tosno": "tosno_manager"}
ROUNDS = 14


class SteppingClock:
    """A fixed clock the generator moves on; every call returns the same instant until advanced."""

    def __init__(self, now: datetime | None = None):
        self.now = now or datetime(2025, 8, 18, 7, 54, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += timedelta(**kwargs)


def _sweep(ctx) -> None:
    while fire_due_timers(ctx):
        pass


def _file(ctx, rng: random.Random, people, clock) -> int:
    body = {"fact": rng.choice((FACT_PROBLEM, FACT_CONSULTATION)), "subject": "Съезд с дороги",
            "description": "Просим помочь с техническими условиями", "company": COMPANY}
    roll = rng.random()
    if roll < 0.75:
        return submit_appeal(ctx, people["investor"], body)["id"]
    body["channel"] = "phone" if roll < 0.9 else "letter"
    if body["channel"] == "letter":
        body["received_at"] = clock.now - timedelta(days=rng.choice((3, 9, 25)))
    return submit_appeal(ctx, people["operator"], body)["id"]


def _body(rng: random.Random, bpmn_id: str, appeal) -> dict:
    """A random action for one open task (`appeal`: its executor, deadline and pending extension)."""
    r = rng.random()
    if bpmn_id == "moderate":
        if r < 0.12:
            return {"action": "reject", "reason": "Не относится к компетенции"}
        if r < 0.27:
            return {"action": "clarify", "question": "Уточните кадастровый номер"}
        org = rng.choice(("kdh", "tosno"))
        body = {"action": "accept", "executor_org": org}
        if rng.random() < 0.3:
            body["manager"] = MANAGER_OF[org]
        if rng.random() < 0.1:
            body["subject"] = "Съезд с региональной дороги (исправлено)"
        return body
    if bpmn_id == "reply_clarification":
        return {"action": "reply", "text": "Кадастровый номер 47:26:0000000:1"}
    if bpmn_id in ("take", "work") and r < 0.12:
        other = "tosno" if appeal.executor_org == "kdh" else "kdh"
        return {"action": "redirect", "org": other, "reason": "Вопрос другой организации"}
    if bpmn_id == "take":
        return {"action": "take"}
    if bpmn_id == "work":
        if r < 0.3 and appeal.extension_until is None:
            until = appeal.deadline + timedelta(days=rng.randint(3, 15))
            return {"action": "extend", "until": until.isoformat(), "reason": "Нужен выезд на место"}
        return {"action": "answer", "text": "Технические условия выданы",
                "outcome": rng.choice(("resolved", "resolved", "not_resolved", "deferred"))}
    if bpmn_id == "decide_extension":
        return {"action": "approve"} if r < 0.6 else {"action": "deny", "reason": "Срок достаточен"}
    if bpmn_id == "approve_answer":
        return {"action": "approve"} if r < 0.75 else {"action": "return", "remarks": "Дополните ответ"}
    if bpmn_id == "rate":
        return {"action": "accept", "rating": rng.randint(1, 5)} if r < 0.75 else \
            {"action": "rework", "reason": "Ответ неполный"}
    raise AssertionError(f"no script for task {bpmn_id}")


def generate_appeals(ctx, clock: SteppingClock, count: int, seed: int = 7, group: int = 100) -> list[int]:
    """File `count` appeals and drive them through the services; returns their ids."""
    rng = random.Random(seed)
    with ctx.db.unit_of_work() as uow:
        people = {login: actor_for(uow.session, login) for login in LOGINS}
    all_ids: list[int] = []
    for first in range(0, count, group):
        ids = [_file(ctx, rng, people, clock) for _ in range(min(group, count - first))]
        all_ids += ids
        silent = {aid for aid in ids if rng.random() < 0.2}  # these investors never rate
        for _round in range(ROUNDS):
            with ctx.db.unit_of_work() as uow:
                tasks = uow.session.execute(select(InboxTask.id, InboxTask.bpmn_id, InboxTask.subject_id,
                                                   InboxTask.org_code)
                                            .where(InboxTask.state == "open", InboxTask.subject_id.in_(ids))
                                            .order_by(InboxTask.id)).all()
                appeals = {a.id: a for a in uow.session.execute(
                    select(Appeal.id, Appeal.executor_org, Appeal.deadline, Appeal.extension_until)
                    .where(Appeal.id.in_(ids)))}
            for task in tasks:
                if rng.random() < 0.2 or (task.bpmn_id == "rate" and task.subject_id in silent):
                    continue
                body = _body(rng, task.bpmn_id, appeals[task.subject_id])
                complete_task(ctx, people[_who(task)], task.id, body)
            clock.advance(hours=rng.randint(4, 60))
            _sweep(ctx)
        clock.advance(days=ctx.settings.rating_period_days + 1)
        _sweep(ctx)
    return all_ids


def _who(task) -> str:
    if task.bpmn_id in ("moderate",):
        return "moderator"
    if task.bpmn_id in ("decide_extension", "approve_answer"):
        return "head"
    if task.bpmn_id in ("reply_clarification", "rate"):
        return "investor"
    return MANAGER_OF[task.org_code]
