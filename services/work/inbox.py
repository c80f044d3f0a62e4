"""Inbox queries: what a user must do now, read from the synced inbox table."""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, literal_column, select, union_all
from sqlalchemy.orm import Session

from engine.models import InboxTask
from services.appeals.appeal import STATUS_RU
from services.context import Actor, Context
from services.errors import InvalidTransition, NotFound, NotPermitted
from services.models import Appeal
from services.steps import Field, action_label, form_fields
from services.subjects import kind as subject_kind

OUTCOMES = ("resolved", "not_resolved", "deferred", "declined")


OPEN = literal_column("'open'")  # a literal, as the partial indexes' predicate says (SQLite matches it verbatim)
_ORDER = (InboxTask.due_at.is_(None), InboxTask.due_at, InboxTask.id)


def _mine(actor: Actor, limit: int):
    """Ids of the actor's open tasks, by the two halves the partial indexes cover (named to the actor;
    the unassigned queue of the actor's roles in the actor's organisation), each half at most `limit`."""
    named = (select(InboxTask.id).where(InboxTask.state == OPEN, InboxTask.assignee == actor.login)
             .order_by(*_ORDER).limit(limit).subquery())
    queued = (select(InboxTask.id).where(InboxTask.state == OPEN, InboxTask.assignee.is_(None),
                                         InboxTask.org_code == actor.org_code, InboxTask.role.in_(actor.roles))
              .order_by(*_ORDER).limit(limit).subquery())
    return union_all(select(named.c.id), select(queued.c.id)).subquery()


def list_tasks(ctx: Context, actor: Actor, state: str = "open", limit: int = 200) -> list[dict[str, Any]]:
    """Tasks assigned to the actor and tasks queued for the actor's roles in the actor's organisation."""
    with ctx.db.reading() as uow:
        s = uow.session
        query = select(InboxTask, Appeal).outerjoin(
            Appeal, and_(InboxTask.subject_type == "appeal", Appeal.id == InboxTask.subject_id))
        if state == "done":
            query = query.where(InboxTask.state == "done", InboxTask.closed_by == actor.login)
        else:
            mine = _mine(actor, limit)
            query = query.join(mine, mine.c.id == InboxTask.id)
        query = query.order_by(*_ORDER).limit(limit)
        items = []
        for task, appeal in s.execute(query):
            item = task_item(ctx, task, appeal)
            form = ctx.engine.task_form(s, task.instance_id, task.bpmn_id)
            item["step"] = form.step
            if task.state == "open":
                item["actions"] = list(form.actions)
            items.append(item)
        return items


def task_item(ctx: Context, task: InboxTask, appeal: Appeal | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": task.id, "name": task.bpmn_id, "title": task.title, "role": task.role,
        "org": task.org_code, "assignee": task.assignee, "due_at": task.due_at, "state": task.state,
        "created_at": task.created_at, "actions": [], "appeal_id": None, "project_id": None,
        "on_behalf_of": task.delegated_from, "subject_type": task.subject_type,
    }
    if task.subject_type == "appeal":
        item["appeal_id"] = task.subject_id
    elif (found := subject_kind(ctx, task.subject_type)) is not None:
        item[found.id_field] = task.subject_id
    if appeal is not None:
        item["appeal"] = {"number": appeal.number, "subject": appeal.subject, "status": appeal.status,
                          "status_name": STATUS_RU.get(appeal.status), "deadline": appeal.deadline,
                          "appeal_type": appeal.appeal_type}
    return item


def locate_task(session: Session, actor: Actor, task_id: int) -> InboxTask:
    """The task if it is (or was) the actor's to do: 404 if not theirs, 403 wrong role, 409 done."""
    task = session.get(InboxTask, task_id)
    if task is None:
        raise NotFound("Задача не найдена")
    theirs = task.assignee == actor.login or (task.assignee is None and task.org_code == actor.org_code)
    if not theirs:
        raise NotFound("Задача не найдена")
    named = task.assignee == actor.login
    relays = named and task.role == "investor" and actor.has("operator")  # a phone appeal without an investor account
    if task.role not in actor.roles and not (task.delegated_from and named) and not relays:
        raise NotPermitted(f"Задача для роли «{task.role}»")
    if task.state != "open":
        raise InvalidTransition("Задача уже выполнена")
    return task


def task_detail(ctx: Context, actor: Actor, task_id: int) -> dict[str, Any]:
    """One task with its form: the allowed actions and each action's fields."""
    with ctx.db.reading() as uow:
        s = uow.session
        task = s.get(InboxTask, task_id)
        if task is not None and task.state != "open":
            theirs = task.assignee == actor.login or task.closed_by == actor.login or (
                task.assignee is None and task.org_code == actor.org_code)
            if not theirs:
                raise NotFound("Задача не найдена")
        else:
            task = locate_task(s, actor, task_id)
        appeal = s.get(Appeal, task.subject_id) if task.subject_type == "appeal" else None
        item = task_item(ctx, task, appeal)
        spec = ctx.engine.task_form(s, task.instance_id, task.bpmn_id)
        item["step"] = spec.step
        item["actions"] = list(spec.actions) if task.state == "open" else []
        item["form"] = {"actions": [
            {"name": a.name, "label": action_label(ctx.steps, spec.step, a), "status_to": a.status,
             "fields": [_field(f) for f in form_fields(ctx.steps, spec.step, a)]} for a in spec.actions.values()]}
        return item


def _field(f: Field) -> dict[str, Any]:
    """A form field as the task form shows it (the step registry's declaration, labels in Russian)."""
    out: dict[str, Any] = {"name": f.name, "type": f.type, "required": f.required, "label": f.label()}
    if f.type == "outcome":
        out["choices"] = list(OUTCOMES)
    if f.type == "rating":
        out["choices"] = [1, 2, 3, 4, 5]
    return out
