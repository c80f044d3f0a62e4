"""Completing tasks: moderation, clarification, execution, approval, rating.

A view hands in the task id, the action and its fields; this module checks
who may act, validates the fields against the form the diagram declares and
the domain (organisations, users, dates), applies the appeal's side of the
action and lets the engine move the process, all in one transaction.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from engine.errors import ValidationFailed
from engine.models import HistoryEvent, InboxTask
from engine.runtime import RunResult
from engine.specs import ActionSpec
from packs.moscow import steps as moscow_routes
from services.appeals import sla
from services.appeals.appeal import appeal_view
from services.appeals.effects import apply_run
from services.appeals.intake import end_of_day
from services.context import Actor, Context
from services.models import EXECUTOR_KINDS, Appeal, AppealRoute, Comment, Organisation, User
from services.notify.writer import notify
from services.subjects import complete_other
from services.work.inbox import OUTCOMES, locate_task

# (step, action) -> (comment kind, field): the dialogue the investor and staff see.
COMMENT_KINDS = {("moderation", "clarify"): ("clarification_request", "question"),
                 ("clarification", "reply"): ("clarification_reply", "text"),
                 ("moderation", "reject"): ("rejection", "reason"),
                 ("approval", "return"): ("remarks", "remarks"),
                 ("rating", "rework"): ("rework_reason", "reason"),
                 ("first_response", "respond"): ("first_response", "text"),  # Moscow (seed 004)
                 ("contribution", "part"): ("agency_part", "text")}


def _clean(spec: ActionSpec, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    fields: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for f in spec.fields:
        value = body.get(f.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if f.required:
                errors[f.name] = ["обязательное поле"]
            continue
        try:
            fields[f.name] = _coerce(f.type, value)
        except ValueError as err:
            errors[f.name] = [str(err)]
    unknown = set(body) - {f.name for f in spec.fields} - {"action"}
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


def _executor(session: Session, code: str, field: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise ValidationFailed("Неизвестная организация", {field: [f"нет организации '{code}'"]})
    if org.kind not in EXECUTOR_KINDS:
        raise ValidationFailed("Организация не может исполнять обращения",
                               {field: [f"вид '{org.kind}' не исполняет обращения"]})
    return org


def _route(session: Session, appeal: Appeal, org_code: str, now: datetime) -> None:
    exists = session.scalar(select(AppealRoute).where(AppealRoute.appeal_id == appeal.id,
                                                      AppealRoute.org_code == org_code))
    if exists is None:
        session.add(AppealRoute(appeal_id=appeal.id, org_code=org_code, routed_at=now))


def _apply(ctx: Context, s: Session, actor: Actor, appeal: Appeal, step: str, action: str,
           fields: dict[str, Any], now: datetime, on_behalf_of: str | None = None,
           part_org: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The appeal's side of an action (keyed by the task's declared step and the action name):
    returns (process data changes, extra history data). A substitute acts `on_behalf_of` someone away:
    what they take stays the absent colleague's."""
    extra: dict[str, Any] = {}
    history: dict[str, Any] = {}
    if action == "accept" and step == "moderation":
        org = _executor(s, fields["executor_org"], "executor_org")
        manager = fields.get("manager")
        if manager:
            user = s.scalar(select(User).where(User.login == manager))
            if user is None or user.org_code != org.code or "manager" not in user.role_list:
                raise ValidationFailed("Исполнитель не найден",
                                       {"manager": [f"нет менеджера '{manager}' в организации '{org.code}'"]})
        appeal.executor_org, appeal.manager_login = org.code, manager or None
        appeal.coordinator_login = appeal.coordinator_login or actor.login
        for name in ("subject", "description"):  # the moderator may correct the investor's text
            if fields.get(name) and fields[name] != getattr(appeal, name):
                history[f"{name}_before"] = getattr(appeal, name)
                setattr(appeal, name, fields[name][:500] if name == "subject" else fields[name])
        _route(s, appeal, org.code, now)
        extra = {"executor_org": org.code, "manager": manager or None, "coordinator": appeal.coordinator_login}
        if "route" in fields or "co_orgs" in fields:  # Moscow: one of the three typical algorithms
            extra.update(moscow_routes.route_parts(s, appeal, org.code, fields, now))
        extra["control_org"] = moscow_routes.control_org(s, org.code, appeal.agency_org)
        notify(s, [manager], "task_assigned", appeal, f"Обращение №{appeal.number} передано вам", now)
    elif action == "kb_answer" and step == "moderation":
        extra, history = moscow_routes.kb_answer(ctx, s, actor, appeal, fields, now)
    elif action == "part" and step == "contribution":
        extra, history = moscow_routes.next_part(ctx, s, appeal, part_org)
    elif action == "respond" and step == "first_response":
        moscow_routes.first_response(s, appeal, now)
    elif action == "redirect":
        org = _executor(s, fields["org"], "org")
        if org.code == appeal.executor_org:
            raise ValidationFailed("Обращение уже у этой организации", {"org": ["выберите другую организацию"]})
        history = {"org_from": appeal.executor_org, "org_to": org.code}
        appeal.executor_org, appeal.manager_login = org.code, None
        _route(s, appeal, org.code, now)
        extra = {"executor_org": org.code, "manager": None,
                 "control_org": moscow_routes.control_org(s, org.code, appeal.agency_org)}
        notify(s, [appeal.coordinator_login], "redirected", appeal,
                f"Обращение №{appeal.number} перенаправлено в {org.name}", now)
    elif action == "take":
        appeal.manager_login = on_behalf_of or actor.login
        extra = {"manager": appeal.manager_login}
    elif action == "extend":
        until = date.fromisoformat(fields["until"])
        if until <= appeal.deadline:
            raise ValidationFailed("Новый срок должен быть позже текущего",
                                   {"until": [f"позже {appeal.deadline.strftime('%d.%m.%Y')}"]})
        appeal.extension_until = until
        notify(s, [appeal.head_login], "extension_requested", appeal,
                f"Запрошен перенос срока по обращению №{appeal.number}", now)
    elif action == "approve" and step == "extension":
        until = appeal.extension_until
        history = {"deadline_from": appeal.deadline.isoformat(), "deadline_to": until.isoformat(),
                   "reason": _extension_reason(s, appeal)}
        appeal.deadline, appeal.deadline_at = until, end_of_day(ctx, until)
        appeal.extension_until = None
        extra = {"deadline": until.isoformat(), "deadline_at": appeal.deadline_at.isoformat()}
    elif action == "deny":
        appeal.extension_until = None
    elif action == "answer":
        appeal.answer_text, appeal.outcome = fields["text"], fields["outcome"]
        extra = {"outcome": fields["outcome"]}
    elif action == "approve" and step == "approval":
        appeal.answered_at = now
        due = now + timedelta(days=ctx.settings.rating_period_days)
        extra = {"rating_due_at": due.isoformat()}
        notify(s, [appeal.investor_login], "answer_ready", appeal, f"Получен ответ на обращение №{appeal.number}", now)
    elif action == "accept" and step == "rating":
        appeal.rating = fields["rating"]
    elif action == "rework":
        appeal.rework_count += 1
        appeal.answered_at = None
        history = {"rework_count": appeal.rework_count}
        notify(s, [appeal.manager_login, appeal.coordinator_login], "rework", appeal,
                f"Обращение №{appeal.number} отправлено на доработку", now)
    elif action == "clarify":
        notify(s, [appeal.investor_login], "clarification", appeal, f"Запрошено уточнение по обращению №{appeal.number}", now)
    kind = COMMENT_KINDS.get((step, action))
    if kind:
        s.add(Comment(appeal_id=appeal.id, at=now, author=actor.login, role=None, kind=kind[0],
                      text=fields[kind[1]]))
    return extra, history


def _extension_reason(session: Session, appeal: Appeal) -> str | None:
    """The reason given with the pending extension request (its `extend` history event)."""
    data = session.scalar(select(HistoryEvent.data).where(
        HistoryEvent.subject_type == "appeal", HistoryEvent.subject_id == appeal.id, HistoryEvent.action == "extend")
        .order_by(HistoryEvent.id.desc()).limit(1))
    return (data or {}).get("reason")


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
        fields, errors = _clean(spec.actions[action], body)
        if errors:
            raise ValidationFailed("Проверьте поля формы", errors)
        if task.subject_type != "appeal":
            response = complete_other(ctx, s, actor, task, spec, action, fields, now)
            uow.commit()
            return response
        appeal = rows.Appeal if rows.Appeal is not None else s.get(Appeal, task.subject_id)
        clock_before = (appeal.deadline_at, appeal.answered_at)
        on_behalf_of = task.delegated_from if task.assignee == actor.login else None  # a substitute acts
        extra, history = _apply(ctx, s, actor, appeal, spec.step, action, fields, now, on_behalf_of, task.org_code)
        if on_behalf_of:
            history["on_behalf_of"] = on_behalf_of
        result: RunResult = ctx.engine.complete(  # flushed once, with the appeal's changes, at commit
            s, task.instance_id, task.task_uuid, action, fields, actor.login, task.role, now,
            extra_data=extra, history_data={**fields, **history}, flush=False)
        apply_run(s, result, now)
        if (appeal.deadline_at, appeal.answered_at) != clock_before:  # extension, answer, rework
            sla.schedule(ctx, s, appeal, now)
        view = appeal_view(ctx, s, appeal, now)
        uow.commit()
        return {"task_id": task_id, "action": action, "status_from": result.status_from,
                "status_to": result.status_to, "appeal": view,
                "next_tasks": [{"name": t.bpmn_id, "step": ctx.engine.task_form(s, task.instance_id, t.bpmn_id).step,
                                "title": t.title, "role": t.role} for t in result.ready]}
