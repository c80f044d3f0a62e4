"""Intake: the classifier, the deadline preview and filing an appeal."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifiers.deadlines import Deadline, compute_deadline
from classifiers.inn import bin_problem, inn_problem
from classifiers.taxonomy import UnknownFact
from services.appeals import sla
from services.appeals.appeal import appeal_view
from services.appeals.effects import apply_run
from services.context import Actor, Context
from services.errors import NotPermitted, ValidationFailed
from services.models import Appeal, AppealRoute, CalendarOverride, Organisation, Project, User
from services.notify.writer import notify

CHANNELS = ("lk", "phone", "email", "meeting", "social", "letter", "portal", "messenger")
PROCESS_ID = "appeal"


def classifier_tree(ctx: Context) -> dict[str, Any]:
    """The pack's classifier: category → subcategory → fact, each fact with its type and SLA."""
    tree = ctx.classifier.to_dict()
    tree["pack"] = ctx.pack.code
    return tree


def _overrides(session: Session) -> dict:
    return {o.day: o.working for o in session.scalars(select(CalendarOverride))}


def deadline_for(ctx: Context, session: Session, fact: str, received_at: datetime) -> Deadline:
    try:
        return compute_deadline(ctx.classifier, fact, received_at, ctx.pack.calendar(_overrides(session)),
                                ctx.pack.timezone)
    except UnknownFact as err:
        raise ValidationFailed("Неизвестный факт обращения", {"fact": [str(err)]}) from err


def preview_deadline(ctx: Context, fact: str, received_at: datetime | None) -> dict[str, Any]:
    """What type an appeal about `fact` gets and the last day to answer it."""
    with ctx.db.unit_of_work() as uow:
        result = deadline_for(ctx, uow.session, fact, received_at or ctx.clock()).to_dict()
    fact_obj = ctx.classifier.fact(fact)
    result.update(fact=fact, fact_name=fact_obj.name, timezone=ctx.pack.timezone,
                  appeal_type_name=ctx.classifier.appeal_types[fact_obj.appeal_type].name_ru)
    return result


def end_of_day(ctx: Context, day) -> datetime:
    return datetime.combine(day, time(23, 59, 59), ctx.tz)


def _validate(ctx: Context, actor: Actor, body: dict[str, Any], now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, limit in (("subject", 500), ("description", 20000)):
        value = (body.get(name) or "").strip()
        if not value:
            errors[name] = ["обязательное поле"]
        elif len(value) > limit:
            errors[name] = [f"не длиннее {limit} символов"]
    company = body.get("company") or {}
    if not (company.get("name") or "").strip():
        errors["company.name"] = ["обязательное поле"]
    # Kazakhstan's companies carry a БИН (seed 003 item 46 2)), Russia's an ИНН.
    problem = (bin_problem if ctx.pack.country == "KZ" else inn_problem)(str(company.get("inn") or ""))
    if problem:
        errors["company.inn"] = [problem]
    channel = body.get("channel")
    if channel is not None and channel not in CHANNELS:
        errors["channel"] = [f"одно из: {', '.join(CHANNELS)}"]
    received = body.get("received_at")
    if (channel not in (None, "lk") or received is not None) and not actor.has("operator"):
        errors.setdefault("channel", []).append("канал и время поступления указывает только оператор")
    if received is not None and received > now + timedelta(minutes=5):
        errors["received_at"] = ["время поступления не может быть в будущем"]
    return errors


def submit_appeal(ctx: Context, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    """File an appeal (investor from the cabinet, operator from phone/e-mail/meetings)."""
    if not actor.has("investor", "operator"):
        raise NotPermitted("Подать обращение может инвестор или оператор")
    now = ctx.clock()
    errors = _validate(ctx, actor, body, now)
    try:
        fact = ctx.classifier.fact(body.get("fact") or "")
    except UnknownFact as err:
        errors["fact"] = [str(err)]
    if errors:
        raise ValidationFailed("Обращение не принято: проверьте поля", errors)
    received_at = body.get("received_at") or now
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        agency = s.scalar(select(Organisation).where(Organisation.kind == "agency").order_by(Organisation.id))
        if agency is None:
            raise ValidationFailed("Не настроено агентство «единого окна»", {"agency": ["нет организации вида agency"]})
        project = None
        if body.get("project_id") is not None:
            project = s.get(Project, body["project_id"])
            if project is None or (actor.has("investor") and not actor.has("operator")
                                   and project.company_org != actor.org_code):
                raise ValidationFailed("Проект не найден", {"project_id": ["нет такого проекта"]})
        company = body["company"]
        company_org = actor.org_code if actor.has("investor") else _company_org(s, company)
        investor = actor.login if actor.has("investor") else s.scalar(
            select(User.login).where(User.org_code == company_org, User.active.is_(True),
                                     User.roles.like("%investor%")).order_by(User.id))
        deadline = deadline_for(ctx, s, fact.code, received_at)
        deadline_at = end_of_day(ctx, deadline.deadline)
        head = s.scalar(select(User.login).where(User.org_code == agency.code, User.active.is_(True),
                                                 User.roles.like("%head%")).order_by(User.id))
        appeal = Appeal(
            fact_code=fact.code, category_code=fact.category_code, subcategory_code=fact.subcategory_code,
            appeal_type=deadline.appeal_type, subject=body["subject"].strip(),
            description=body["description"].strip(), company_name=company["name"].strip(),
            company_inn=str(company["inn"]), company_org=company_org, investor_login=investor,
            registered_by=actor.login, channel=body.get("channel") or "lk",
            project_id=project.id if project else None, received_at=received_at, created_at=now,
            deadline=deadline.deadline, deadline_at=deadline_at, status="on_moderation",
            agency_org=agency.code, head_login=head,
            coordinator_login=project.manager_login if project else None, rework_count=0,
        )
        s.add(appeal)
        s.flush()
        appeal.number = appeal.id
        s.add(AppealRoute(appeal_id=appeal.id, org_code=agency.code, routed_at=now))
        data = {"appeal_id": appeal.id, "agency_org": agency.code, "company_org": company_org,
                # no investor account yet: the operator who took the call relays the investor's steps
                # (clarification reply, rating) until one exists
                "investor": investor or actor.login, "head": head, "appeal_type": appeal.appeal_type,
                "deadline": deadline.deadline.isoformat(), "deadline_at": deadline_at.isoformat()}
        if deadline.first_response is not None:  # Moscow complex consultation (seed 004): the first response
            data["first_response_at"] = end_of_day(ctx, deadline.first_response).isoformat()
        role = "investor" if actor.has("investor") else "operator"
        result = ctx.engine.start(s, PROCESS_ID, "appeal", appeal.id, data, actor.login, role, now)
        appeal.instance_id = result.instance_id
        apply_run(s, result, now)  # an operator may register an appeal whose deadline has passed
        notify(s, [investor], "appeal_received", appeal,
               f"Обращение №{appeal.number} зарегистрировано, срок ответа {appeal.deadline:%d.%m.%Y}", now)
        sla.schedule(ctx, s, appeal, now)
        view = appeal_view(ctx, s, appeal, now, actor)
        uow.commit()
        return view


def _company_org(session: Session, company: dict[str, Any]) -> str:
    """The investor's company by ИНН, registered on first contact when an operator files."""
    inn = str(company["inn"])
    org = session.scalar(select(Organisation).where(Organisation.kind == "company", Organisation.inn == inn))
    if org is None:
        org = Organisation(code=f"inn-{inn}", name=company["name"].strip(), kind="company", inn=inn)
        session.add(org)
        session.flush()
    return org.code
