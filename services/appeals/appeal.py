"""Reading appeals: who may see what, the appeal view, history and comments."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, exists, literal, or_, select, union_all
from sqlalchemy.orm import Session

from engine.history import append_event, events_for, lock_chain
from services.context import Actor, Context
from services.errors import NotFound, NotPermitted, ValidationFailed
from services.models import Appeal, AppealRoute, Comment, Organisation, User
from services.notify.writer import notify
from services.visibility import PUBLIC, comment_visibility, sees_internal

WIDE_ROLES = ("auditor", "admin", "analyst")
STATUS_RU = {
    "on_moderation": "Обращение поступило на модерацию",
    "clarification": "Запрошено уточнение у инвестора",
    "rejected": "Обращение отклонено (с указанием причины)",
    "in_execution": "Обращение передано на исполнение",
    "redirected": "Обращение перенаправлено",
    "taken": "Обращение взято в работу",
    "deadline_extended": "Срок обработки обращения перенесен",
    "on_approval": "Ответ на согласовании у руководителя",
    "considered": "Обращение рассмотрено",
    "rework": "Обращение на доработке",
    "resolved": "Решено",
    "not_resolved": "Не решено",
    "deferred": "Отложено",
    "declined": "Отклонено",
}
FINAL = {"rejected", "resolved", "not_resolved", "deferred", "declined"}


def visible_appeals(actor: Actor, as_role: str | None = None) -> Select:
    """A query of the appeals `actor` may see (or coordinates, with as_role='coordinator')."""
    query = select(Appeal)
    if as_role == "coordinator":
        return query.where(Appeal.coordinator_login == actor.login)
    if actor.has(*WIDE_ROLES):
        return query
    conditions = [Appeal.coordinator_login == actor.login, Appeal.manager_login == actor.login,
                  Appeal.head_login == actor.login, Appeal.investor_login == actor.login]
    if actor.has("investor"):
        conditions.append(Appeal.company_org == actor.org_code)
    if actor.has("operator"):
        conditions.append(Appeal.registered_by == actor.login)
    staff = ("moderator", "manager", "head", "coordinator", "deputy_director", "operator")
    if actor.has(*staff):
        conditions.append(Appeal.agency_org == actor.org_code)
        conditions.append(exists().where(AppealRoute.appeal_id == Appeal.id,
                                         AppealRoute.org_code == actor.org_code))
    return query.where(or_(*conditions))


def load_visible(session: Session, actor: Actor, appeal_id: int) -> Appeal:
    """The appeal if the actor may see it; 404 otherwise (no hint that it exists)."""
    appeal = session.scalar(visible_appeals(actor).where(Appeal.id == appeal_id))
    if appeal is None:
        raise NotFound("Обращение не найдено")
    return appeal


def _parties(session: Session, logins: list[str | None], codes: list[str | None]
             ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The view's people (by login) and organisations (by code), read in one round trip (plain columns)."""
    wanted_people, wanted_orgs = {x for x in logins if x}, {x for x in codes if x}
    parts = []
    if wanted_people:
        parts.append(select(literal("u"), User.login, User.name, User.email, User.phone, User.org_code)
                     .where(User.login.in_(wanted_people)))
    if wanted_orgs:
        parts.append(select(literal("o"), Organisation.code, Organisation.name, Organisation.kind, Organisation.inn,
                            Organisation.ogrn).where(Organisation.code.in_(wanted_orgs)))
    found: dict[str, dict[str, tuple]] = {"u": {}, "o": {}}
    if parts:
        for row in session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
            found[row[0]][row[1]] = tuple(row[2:])
    people = {login: ({"login": login, "name": u[0], "email": u[1], "phone": u[2], "org": u[3]}
                      if (u := found["u"].get(login)) else {"login": login, "name": login}) for login in wanted_people}
    orgs = {code: ({"code": code, "name": o[0], "kind": o[1], "inn": o[2], "ogrn": o[3]}
                   if (o := found["o"].get(code)) else {"code": code, "name": code, "kind": None, "inn": None,
                                                        "ogrn": None}) for code in wanted_orgs}
    return people, orgs


def is_overdue(appeal: Appeal, now: datetime) -> bool:
    """Overdue is derived: the deadline passed before the answer was sent."""
    if appeal.answered_at is not None:
        return appeal.answered_at > appeal.deadline_at
    if appeal.status in FINAL:
        return False
    return now > appeal.deadline_at


def appeal_view(ctx: Context, session: Session, appeal: Appeal, now: datetime, viewer: Actor) -> dict[str, Any]:
    """The appeal as the API returns it to `viewer` (timestamps in UTC)."""
    return appeal_views(ctx, session, [appeal], now, viewer)[0]


def appeal_views(ctx: Context, session: Session, appeals: Iterable[Appeal], now: datetime,
                 viewer: Actor) -> list[dict[str, Any]]:
    """Views of several appeals; their people and organisations read in one round trip for all of them
    (a page of appeals costs two statements, whatever its length)."""
    appeals = list(appeals)
    people, orgs = _parties(session, [login for a in appeals for login in (a.investor_login, a.head_login,
                                                                            a.coordinator_login, a.manager_login)],
                            [code for a in appeals for code in (a.agency_org, a.executor_org, a.company_org)])
    internal = sees_internal(viewer)
    return [_one_view(ctx, a, now, people, orgs, internal) for a in appeals]


def _one_view(ctx: Context, appeal: Appeal, now: datetime, people: dict[str, dict[str, Any]],
              orgs: dict[str, dict[str, Any]], internal: bool) -> dict[str, Any]:
    """One appeal's view: the answer and its outcome reach someone who sees public items only once the
    head approved them (`answered_at`), never a draft waiting for the head or one the head returned."""
    released = appeal.answered_at is not None or internal
    fact = ctx.classifier.fact(appeal.fact_code)
    return _utc({
        "id": appeal.id, "number": appeal.number, "status": appeal.status,
        "status_name": STATUS_RU.get(appeal.status, appeal.status),
        "appeal_type": appeal.appeal_type, "fact": appeal.fact_code, "fact_name": fact.name,
        "category": appeal.category_code, "category_name": fact.category_name,
        "subcategory": appeal.subcategory_code, "subcategory_name": fact.subcategory_name,
        "subject": appeal.subject, "description": appeal.description,
        "company": {"name": appeal.company_name, "inn": appeal.company_inn, "org": appeal.company_org,
                    "ogrn": (orgs.get(appeal.company_org or "") or {}).get("ogrn")},
        "investor": people.get(appeal.investor_login or ""), "channel": appeal.channel,
        "project_id": appeal.project_id, "received_at": appeal.received_at, "created_at": appeal.created_at,
        "deadline": appeal.deadline, "deadline_at": appeal.deadline_at,
        "overdue": is_overdue(appeal, now), "overdue_at": appeal.overdue_at,
        "agency_org": appeal.agency_org, "agency": orgs.get(appeal.agency_org),
        "executor_org": appeal.executor_org, "executor": orgs.get(appeal.executor_org or ""),
        "roles": {role: people.get(login or "") or {"login": None}  # always an object: login null when unbound
                  for role, login in (("head", appeal.head_login), ("coordinator", appeal.coordinator_login),
                                      ("manager", appeal.manager_login))},
        "rework_count": appeal.rework_count, "rating": appeal.rating, "outcome": appeal.outcome if released else None,
        "answer": ({"text": appeal.answer_text, "at": appeal.answered_at} if appeal.answer_text and released
                   else None),
        "closed_at": appeal.closed_at,
        "has_process": appeal.instance_id is not None,  # generated/imported appeals have none (docs/reports.md)
    })


def _utc(view: dict[str, Any]) -> dict[str, Any]:
    for key, value in view.items():
        if isinstance(value, datetime):
            view[key] = value.astimezone(UTC)
    return view


def list_appeals(ctx: Context, actor: Actor, as_role: str | None = None, status: str | None = None,
                 limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """The appeals the actor may see, newest first."""
    if as_role not in (None, "coordinator"):
        raise ValidationFailed("Неверный параметр", {"as": ["допустимо: coordinator"]})
    now = ctx.clock()
    with ctx.db.reading() as uow:
        query = visible_appeals(actor, as_role)
        if status:
            query = query.where(Appeal.status == status)
        rows = uow.session.scalars(query.order_by(Appeal.id.desc()).limit(limit).offset(offset))
        return appeal_views(ctx, uow.session, rows, now, actor)


def get_appeal(ctx: Context, actor: Actor, appeal_id: int) -> dict[str, Any]:
    with ctx.db.reading() as uow:
        return appeal_view(ctx, uow.session, load_visible(uow.session, actor, appeal_id), ctx.clock(), actor)


def appeal_history(ctx: Context, actor: Actor, appeal_id: int) -> list[dict[str, Any]]:
    """Every step of the appeal: who, when, in which role, from which status to which; internal items
    only for staff (services/visibility.py)."""
    internal = sees_internal(actor)
    with ctx.db.reading() as uow:
        load_visible(uow.session, actor, appeal_id)
        return [{"id": e.id, "at": e.at, "actor": e.actor, "role": e.role, "action": e.action,
                 "task": e.task, "status_from": e.status_from, "status_to": e.status_to, "data": e.data,
                 "on_behalf_of": (e.data or {}).get("on_behalf_of"), "visibility": e.visibility}
                for e in events_for(uow.session, "appeal", appeal_id)
                if not _bookkeeping(e) and (internal or e.visibility == PUBLIC)]


def _bookkeeping(event) -> bool:
    """A timer run that changed no status: the engine records it for replay (issue 7); what it did
    for people is its own event (`overdue`), so the appeal's history leaves it out."""
    return event.action == "timer" and event.status_from == event.status_to


def add_comment(ctx: Context, actor: Actor, appeal_id: int, text: str, visibility: str | None = None
                ) -> dict[str, Any]:
    """A comment in the appeal's dialogue; it is also a history event of the same visibility. Staff
    choose `public` (a reply the investor reads) or `internal` (a note, the default); an investor's
    comment is public. A public staff comment notifies the appeal's investor."""
    visibility = comment_visibility(actor, visibility)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("Пустой комментарий", {"text": ["обязательное поле"]})
    if len(text) > 10000:
        raise ValidationFailed("Слишком длинный комментарий", {"text": ["не длиннее 10000 символов"]})
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        appeal = load_visible(uow.session, actor, appeal_id)
        if actor.has("auditor") and len(actor.roles) == 1:
            raise NotPermitted("Аудитор не может комментировать обращения")
        lock_chain(uow.session, appeal.instance_id)  # one writer per history chain (PostgreSQL)
        uow.session.refresh(appeal)
        role = actor.roles[0]
        comment = Comment(appeal_id=appeal.id, at=now, author=actor.login, role=role, text=text,
                          visibility=visibility)
        uow.session.add(comment)
        append_event(uow.session, "appeal", appeal.id, now, actor.login, role, "comment",
                     status_from=appeal.status, status_to=appeal.status, data={"text": text},
                     instance_id=appeal.instance_id, visibility=visibility)
        uow.session.flush()
        if visibility == PUBLIC and sees_internal(actor) and appeal.investor_login != actor.login:
            notify(uow.session, [appeal.investor_login], "comment", appeal,
                   f"Новый комментарий по обращению №{appeal.number}", now, visibility=PUBLIC)
        result = {"id": comment.id, "at": comment.at, "author": comment.author, "role": role, "kind": comment.kind,
                  "text": text, "visibility": visibility}
        uow.commit()
        return result


def list_comments(ctx: Context, actor: Actor, appeal_id: int) -> list[dict[str, Any]]:
    """The appeal's dialogue, oldest first; internal notes only for staff."""
    with ctx.db.reading() as uow:
        load_visible(uow.session, actor, appeal_id)
        query = select(Comment).where(Comment.appeal_id == appeal_id).order_by(Comment.id)
        if not sees_internal(actor):
            query = query.where(Comment.visibility == PUBLIC)
        return [{"id": c.id, "at": c.at, "author": c.author, "role": c.role, "kind": c.kind, "text": c.text,
                 "visibility": c.visibility} for c in uow.session.scalars(query)]
