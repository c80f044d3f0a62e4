"""Completing tasks: moderation, clarification, execution, approval, rating.

A view hands in the task id, the action and its fields; this module checks
who may act, validates the fields against the form the diagram declares and
the domain (organisations, users, dates), applies the appeal's side of the
action and lets the engine move the process, all in one transaction.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, select

from engine.models import InboxTask
from engine.runtime import RunResult
from services.appeals import sla
from services.appeals.appeal import appeal_view
from services.appeals.effects import apply_run
from services.context import Actor, Context
from services.errors import ValidationFailed
from services.models import Appeal, Comment
from services.steps import StepCall, form_fields
from services.subjects import complete_other
from services.visibility import INTERNAL
from services.work.inbox import OUTCOMES, locate_task


def _clean(form: tuple, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The action's fields (declared in the step registry) checked and coerced; problems by field."""
    fields: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for f in form:
        value = body.get(f.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if f.required:
                errors[f.name] = ["обязательное поле"]
            continue
        try:
            fields[f.name] = _coerce(f.type, value)
        except ValueError as err:
            errors[f.name] = [str(err)]
    unknown = set(body) - {f.name for f in form} - {"action"}
    for name in sorted(unknown):
        errors[name] = ["поле не предусмотрено для этого действия"]
    return fields, errors


def _coerce(kind: str, value: Any) -> Any:
    if kind in ("text", "org", "user"):
        if not isinstance(value, str):
            raise ValueError("ожидается строка")
        if len(value) > 20000:
            raise ValueError("не длиннее 20000 символов")
        return value.strip()
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError as err:
            raise ValueError("дата в формате ГГГГ-ММ-ДД") from err
    if kind == "rating":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValueError("целое число от 1 до 5")
        return value
    if kind == "outcome":
        if value not in OUTCOMES:
            raise ValueError(f"одно из: {', '.join(OUTCOMES)}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("целое число")
        return value
    raise ValueError("неизвестный тип поля")


def _apply(ctx: Context, call: StepCall) -> str:
    """The appeal's side of the action: the handler its step declares (services/appeals/steps.py, a
    pack's own steps), then the dialogue comment the action carries; returns the visibility of the
    action's history item and comment (services/visibility.py)."""
    ctx.steps.apply(call)
    declared = ctx.steps.action(call.step, call.action)
    if declared is not None and declared.comment:
        kind, field = declared.comment
        call.session.add(Comment(appeal_id=call.subject.id, at=call.now, author=call.actor.login, role=None,
                                 kind=kind, text=call.fields[field], visibility=declared.visibility))
    return declared.visibility if declared is not None else INTERNAL  # the step registry decides


_TASK_AND_APPEAL = (select(InboxTask, Appeal)  # one round trip for both rows
                    .outerjoin(Appeal, and_(InboxTask.subject_type == "appeal", Appeal.id == InboxTask.subject_id))
                    .where(InboxTask.id == bindparam("task_id")))


def complete_task(ctx: Context, actor: Actor, task_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Do one step of an appeal's process on behalf of the actor; returns the task result and appeal."""
    now = ctx.clock()
    action = body.get("action")
    if not isinstance(action, str) or not action:
        raise ValidationFailed("Не указано действие", {"action": ["обязательное поле"]})
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        rows = s.execute(_TASK_AND_APPEAL, {"task_id": task_id}).first()  # locate_task finds the task in the
        # identity map
        task = locate_task(s, actor, task_id)
        spec = ctx.engine.task_form(s, task.instance_id, task.bpmn_id)
        if action not in spec.actions:
            raise ValidationFailed("Недопустимое действие", {"action": [f"допустимо: {', '.join(spec.actions)}"]})
        fields, errors = _clean(form_fields(ctx.steps, spec.step, spec.actions[action]), body)
        if errors:
            raise ValidationFailed("Проверьте поля формы", errors)
        if task.subject_type != "appeal":
            response = complete_other(ctx, s, actor, task, spec, action, fields, now)
            uow.commit()
            return response
        appeal = rows.Appeal if rows.Appeal is not None else s.get(Appeal, task.subject_id)
        clock_before = (appeal.deadline_at, appeal.answered_at)
        on_behalf_of = task.delegated_from if task.assignee == actor.login else None  # a substitute acts
        call = StepCall(ctx, s, actor, appeal, spec.step, action, task.role, fields, now, on_behalf_of, task.org_code)
        visibility = _apply(ctx, call)
        extra, history = call.extra, call.history
        if on_behalf_of:
            history["on_behalf_of"] = on_behalf_of
        result: RunResult = ctx.engine.complete(  # flushed once, with the appeal's changes, at commit
            s, task.instance_id, task.task_uuid, action, fields, actor.login, task.role, now,
            extra_data=extra, history_data={**fields, **history}, flush=False, visibility=visibility)
        apply_run(s, result, now)
        if (appeal.deadline_at, appeal.answered_at) != clock_before:  # extension, answer, rework
            sla.schedule(ctx, s, appeal, now)
        view = appeal_view(ctx, s, appeal, now, actor)
        uow.commit()
        return {"task_id": task_id, "action": action, "status_from": result.status_from,
                "status_to": result.status_to, "appeal": view,
                "next_tasks": [{"name": t.bpmn_id, "step": ctx.engine.task_form(s, task.instance_id, t.bpmn_id).step,
                                "title": t.title, "role": t.role} for t in result.ready]}
