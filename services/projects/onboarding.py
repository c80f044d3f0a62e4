"""Leningrad onboarding (seed 000 section 2): registration request → the deputy director confirms
the legal data and assigns a manager by the next working day → the investor's support application →
the manager checks the ОКВЭД against the region's priority industries, fills the sector and the
source and confirms by the next working day → the project exists. The route is
workflows/bpmn/leningrad/onboarding.bpmn; this module is the registration's side of each step.
"""
from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifiers.okved import PriorityList, load_priority_list, parse_okved
from engine.history import append_event
from engine.runtime import SYSTEM, RunResult
from services.context import Actor, Context
from services.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from services.models import CalendarOverride, Notification, Organisation, Registration, User
from services.projects.project import create_from_application, project_view
from services.steps import Action, Field, Step, StepCall
from services.steps import required as must

PROCESS_ID = "onboarding"
STATUS_RU = {
    "on_confirmation": "Заявка на подтверждении юридических данных",
    "registration_rejected": "Регистрация отклонена",
    "awaiting_application": "Ожидается заявление на сопровождение",
    "application_check": "Заявление на проверке у менеджера",
    "application_rejected": "Заявление отклонено",
    "project_created": "Проект принят на сопровождение",
}
FINAL = {"registration_rejected", "application_rejected", "project_created"}
STAFF = ("deputy_director", "manager", "head", "coordinator", "moderator", "analyst", "auditor")


@lru_cache(maxsize=4)
def priority_list(path: Path | None) -> PriorityList | None:
    """The pack's priority industries (seed 000 item 2.2.4), None for a pack without the list."""
    return load_priority_list(path)


def next_working_day_end(ctx: Context, session: Session, now: datetime) -> datetime:
    """Seed 000 items 2.1.2, 2.2.6: «не позднее следующего рабочего дня» — the end (23:59:59 in the
    pack's zone) of the first working day after the local day of `now`, by the production calendar
    with the admins' overrides."""
    overrides = {o.day: o.working for o in session.scalars(select(CalendarOverride))}
    day = ctx.pack.calendar(overrides).next_working_day(now.astimezone(ctx.tz).date())
    return datetime.combine(day, time(23, 59, 59), ctx.tz)


def _logins(session: Session, org: str, role: str) -> list[str]:
    return [u.login for u in session.scalars(select(User).where(User.org_code == org, User.active.is_(True),
                                                                User.roles.like(f"%{role}%")).order_by(User.id))
            if role in u.role_list]


def _notify(session: Session, logins: list[str | None], event: str, text: str, now: datetime) -> None:
    for login in dict.fromkeys(filter(None, logins)):
        session.add(Notification(recipient=login, appeal_id=None, event=event, text=text, created_at=now))


def _agency(session: Session) -> Organisation:
    agency = session.scalar(select(Organisation).where(Organisation.kind == "agency").order_by(Organisation.id))
    if agency is None:
        raise ValidationFailed("Не настроено агентство «единого окна»", {"agency": ["нет организации вида agency"]})
    return agency


REGISTRATION_FIELDS = ("company_name", "inn", "ogrn", "address", "contact_name", "contact_phone", "contact_email")


def submit_registration(ctx: Context, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    """Seed 000 item 2.1: the investor (or an operator for them) files the company's legal data
    (`body` as web/schemas_projects.py `RegistrationIn` loads it: ИНН and ОГРН check digits included)."""
    if not actor.has("investor", "operator"):
        raise NotPermitted("Подать заявку на регистрацию может инвестор или оператор")
    data = {name: body.get(name) for name in REGISTRATION_FIELDS}
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        agency = _agency(s)
        if actor.has("investor"):
            org = s.scalar(select(Organisation).where(Organisation.code == actor.org_code))
            if org.inn and org.inn != data["inn"]:
                raise ValidationFailed("ИНН не совпадает с организацией", {"inn": [f"ИНН организации {org.inn}"]})
            investor = actor.login
        else:
            org = s.scalar(select(Organisation).where(Organisation.kind == "company", Organisation.inn == data["inn"]))
            if org is None:
                org = Organisation(code=f"inn-{data['inn']}", name=data["company_name"], kind="company",
                                   inn=data["inn"])
                s.add(org)
                s.flush()
            investor = next(iter(_logins(s, org.code, "investor")), None)
        if s.scalar(select(Registration.id).where(Registration.company_org == org.code,
                                                  Registration.closed_at.is_(None))):
            raise InvalidTransition("У компании уже есть заявка на рассмотрении")
        due = next_working_day_end(ctx, s, now)
        reg = Registration(company_org=org.code, investor_login=investor, registered_by=actor.login,
                           status="on_confirmation", created_at=now, confirm_due_at=due, **data)
        s.add(reg)
        s.flush()
        start = {"registration_id": reg.id, "agency_org": agency.code, "company_org": org.code,
                 "investor": investor, "confirm_due_at": due.isoformat()}
        role = "investor" if actor.has("investor") else "operator"
        result = ctx.engine.start(s, PROCESS_ID, "registration", reg.id, start, actor.login, role, now)
        reg.instance_id = result.instance_id
        apply_run(s, result, now)
        _notify(s, _logins(s, agency.code, "deputy_director"), "registration_filed",
                f"Новая заявка на регистрацию: {reg.company_name}", now)
        view = registration_view(ctx, s, reg)
        uow.commit()
        return view


def _application(ctx: Context, fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The support application (project passport draft) and its ОКВЭД check."""
    errors: dict[str, list[str]] = {}
    codes, problem = parse_okved(fields.get("okved", ""))
    if problem:
        errors["okved"] = [problem]
    volume = fields.get("investment_volume")
    if volume:
        try:
            amount = Decimal(volume.replace(",", ".").replace(" ", ""))
            if amount < 0 or not amount.is_finite():
                raise InvalidOperation
            volume = str(amount)
        except InvalidOperation:
            errors["investment_volume"] = ["неотрицательное число (млн руб.)"]
    if fields.get("jobs") is not None and fields["jobs"] < 0:
        errors["jobs"] = ["неотрицательное целое число"]
    for name, limit in (("name", 500), ("site", 500), ("region", 120), ("sector", 120)):
        if len(fields.get(name) or "") > limit:
            errors[name] = [f"не длиннее {limit} символов"]
    if errors:
        raise ValidationFailed("Заявление не принято: проверьте поля", errors)
    app = {k: fields.get(k) for k in ("name", "investment_volume", "jobs", "site", "region", "description", "sector")}
    app["okved"] = ", ".join(codes)
    app["investment_volume"] = volume or None
    priorities = priority_list(ctx.pack.priority_okved_file)
    return app, (priorities.check(codes) if priorities else {})


def confirm_registration(c: StepCall) -> None:
    """Seed 000 item 2.1.2: the deputy director confirms the legal data and assigns a manager."""
    s, reg, login, now = c.session, c.subject, c.fields["manager"], c.now
    user = s.scalar(select(User).where(User.login == login, User.active.is_(True)))
    agency = _agency(s)
    if user is None or user.org_code != agency.code or "manager" not in user.role_list:
        raise ValidationFailed("Менеджер не найден", {"manager": [f"нет менеджера '{login}' в агентстве"]})
    reg.manager_login = login
    org = s.scalar(select(Organisation).where(Organisation.code == reg.company_org))
    org.inn, org.ogrn = org.inn or reg.inn, reg.ogrn  # the legal data is confirmed
    org.personal_manager = login  # seed 001: «Ваш персональный менеджер»
    c.extra["manager"] = login
    _notify(s, [login], "registration_assigned", f"Вам назначен инвестор {reg.company_name}", now)
    _notify(s, [reg.investor_login], "registration_confirmed",
            "Регистрация подтверждена: подайте заявление на сопровождение проекта", now)


def submit_application(c: StepCall) -> None:
    reg = c.subject
    reg.application, reg.okved_check = _application(c.ctx, c.fields)
    reg.check_due_at = next_working_day_end(c.ctx, c.session, c.now)
    c.extra["check_due_at"] = reg.check_due_at.isoformat()
    c.history["okved_check"] = reg.okved_check
    _notify(c.session, [reg.manager_login], "application_filed", f"Заявление на сопровождение: {reg.company_name}", c.now)


def confirm_application(c: StepCall) -> None:
    """Seed 000 item 2.2.6: the manager fills the sector and the source; the project exists."""
    reg = c.subject
    sector = c.fields.get("sector") or (reg.application or {}).get("sector") or (reg.okved_check or {}).get("sector")
    if not sector:
        raise ValidationFailed("Укажите сферу деятельности", {"sector": ["инвестор её не указал, ОКВЭД "
                                                                         "не из приоритетных отраслей"]})
    project = create_from_application(c.session, c.ctx.pack.code, reg, sector, c.fields["source"], c.actor, "manager", c.now)
    reg.project_id = project.id
    c.extra["project_id"] = project.id
    c.history.update(project_id=project.id, sector=sector)
    _notify(c.session, [reg.investor_login], "project_created", f"Проект «{project.name}» принят на сопровождение",
            c.now)


def reject(c: StepCall) -> None:
    c.subject.reason = c.fields["reason"]
    _notify(c.session, [c.subject.investor_login], f"{c.step}_rejected", f"Заявка отклонена: {c.fields['reason']}",
            c.now)


REJECT = Action("reject", "Отклонить", "Reject", (must("reason", "Причина", "Reason"),), reject)
STEPS = (
    Step("registration_confirmation", "Подтверждение регистрации", "Registration confirmation", "registration",
         ("deputy_director",),
         (Action("confirm", "Подтвердить и назначить менеджера", "Confirm and assign a manager",
                 (must("manager", "Менеджер проекта", "Project manager", "user", lookup="agency_managers"),),
                 confirm_registration), REJECT)),
    Step("application", "Заявление на сопровождение", "Support application", "registration", ("investor",),
         (Action("submit", "Отправить заявление", "Send the application",
                 (must("name", "Название проекта", "Project name"), must("okved", "Коды ОКВЭД", "OKVED codes"),
                  Field("investment_volume", "text", False, "Объём инвестиций, млн руб.", "Investment, million RUB"),
                  Field("jobs", "int", False, "Рабочие места", "Jobs"), Field("site", "text", False, "Площадка", "Site"),
                  Field("region", "text", False, "Муниципальный район", "Municipal district"),
                  must("description", "Описание проекта", "Project description"),
                  Field("sector", "text", False, "Сфера деятельности", "Sector")), submit_application),)),
    Step("application_check", "Проверка заявления", "Application check", "registration", ("manager",),
         (Action("confirm", "Подтвердить и создать проект", "Confirm and create the project",
                 (must("source", "Источник (откуда пришёл инвестор)", "Source (how the investor came)"),
                  Field("sector", "text", False, "Сфера деятельности", "Sector")), confirm_application), REJECT)),
)
"""The onboarding path's steps (workflows/bpmn/leningrad/onboarding.bpmn)."""


def complete(ctx: Context, s: Session, actor: Actor, task, spec, action: str, fields: dict[str, Any],
             now: datetime) -> dict[str, Any]:
    """A registration's human step (through POST /api/v1/tasks/<id>/complete)."""
    reg = s.get(Registration, task.subject_id)
    call = StepCall(ctx, s, actor, reg, spec.step, action, spec.role, fields, now)
    ctx.steps.apply(call)
    extra, history = call.extra, call.history
    result = ctx.engine.complete(s, task.instance_id, task.task_uuid, action, fields, actor.login, task.role, now,
                                 extra_data=extra, history_data={**fields, **history})
    apply_run(s, result, now)
    s.flush()
    return {"task_id": task.id, "action": action, "status_from": result.status_from, "status_to": result.status_to,
            "registration": registration_view(ctx, s, reg),
            "next_tasks": [{"name": t.bpmn_id, "step": ctx.engine.task_form(s, task.instance_id, t.bpmn_id).step,
                            "title": t.title, "role": t.role} for t in result.ready]}


def apply_run(s: Session, result: RunResult, now: datetime) -> Registration:
    """A run's effects: an overdue next-working-day deadline is escalated once per step."""
    reg = s.get(Registration, result.subject_id)
    for effect in result.effects:
        if effect.operation != "escalate_overdue":
            continue
        agency = _agency(s)
        if effect.task == "escalate_check":
            step, due = "application_check", reg.check_due_at
            notified = [reg.manager_login, *_logins(s, agency.code, "deputy_director")]
        else:
            step, due = "registration_confirmation", reg.confirm_due_at
            notified = [*_logins(s, agency.code, "deputy_director"), *_logins(s, agency.code, "head")]
        notified = list(dict.fromkeys(filter(None, notified)))
        append_event(s, "registration", reg.id, now, SYSTEM, None, "overdue", status_from=result.status_to,
                     status_to=result.status_to, data={"step": step, "due_at": due, "notified": notified},
                     instance_id=reg.instance_id)
        _notify(s, notified, "overdue", f"Просрочен срок по заявке {reg.company_name}", now)
    reg.status = result.status_to or reg.status
    if result.completed or reg.status in FINAL:
        reg.closed_at = reg.closed_at or now
    return reg


def registration_view(ctx: Context, s: Session, reg: Registration) -> dict[str, Any]:
    project = None
    if reg.project_id:
        from services.models import Project
        project = project_view(s, s.get(Project, reg.project_id), ctx.clock())
    def utc(value):
        return value.astimezone(UTC) if value is not None else None

    return {"id": reg.id, "status": reg.status, "status_name": STATUS_RU.get(reg.status, reg.status),
            "company": {"org": reg.company_org, "name": reg.company_name, "inn": reg.inn, "ogrn": reg.ogrn,
                        "address": reg.address},
            "contact": {"name": reg.contact_name, "phone": reg.contact_phone, "email": reg.contact_email},
            "investor": reg.investor_login, "registered_by": reg.registered_by, "created_at": utc(reg.created_at),
            "confirm_due_at": utc(reg.confirm_due_at), "manager": reg.manager_login, "application": reg.application,
            "okved_check": reg.okved_check, "check_due_at": utc(reg.check_due_at), "reason": reg.reason,
            "project_id": reg.project_id, "project": project, "closed_at": utc(reg.closed_at)}


def _visible(actor: Actor, reg: Registration) -> bool:
    return (actor.has("admin") or (actor.org_kind == "agency" and actor.has(*STAFF))
            or reg.registered_by == actor.login or (actor.has("investor") and reg.company_org == actor.org_code))


def get_registration(ctx: Context, actor: Actor, registration_id: int) -> dict[str, Any]:
    with ctx.db.unit_of_work() as uow:
        reg = uow.session.get(Registration, registration_id)
        if reg is None or not _visible(actor, reg):
            raise NotFound("Заявка не найдена")
        return registration_view(ctx, uow.session, reg)


def list_registrations(ctx: Context, actor: Actor, status: str | None = None) -> list[dict[str, Any]]:
    with ctx.db.unit_of_work() as uow:
        query = select(Registration).order_by(Registration.id.desc()).limit(500)
        if status:
            query = query.where(Registration.status == status)
        return [registration_view(ctx, uow.session, r) for r in uow.session.scalars(query) if _visible(actor, r)]

