"""The steps of the Kazakhstan project path (workflows/bpmn/kazakhstan/kz_project.bpmn, seed 003
chapters 3–4): each action's fields and the handler that applies its side on the project (items
40, 41, 46–50, 31, 33, 34, 68, 69). Every deadline is on the KZ production calendar."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from classifiers.inn import bin_problem
from classifiers.scoring import TECH_LEVEL_POINTS
from packs.kazakhstan.models import ROADMAP_STAGES, KzRoadmapTask
from packs.kazakhstan.projects import (
    EXTENSION_MAX_DAYS,
    FIX_WORKING_DAYS,
    INITIATIVE_DAYS,
    MONITORING_YEARS,
    ROADMAP_DAYS,
    SUBJECT,
    SUSPENSION_WORKING_DAYS,
    calendar,
    end_of_day,
    local_day,
)
from packs.kazakhstan.scoring import place_in_pool
from packs.kazakhstan.status import SUSPENSION_GROUNDS
from services.context import Actor, Context
from services.errors import InvalidTransition, ValidationFailed
from services.models import Organisation, Project, User
from services.notify.writer import notify
from services.steps import Action, Field, Step, StepCall, required


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _passport(ctx: Context, s: Session, project: Project, fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Item 46: the ten passport fields (plus the green-corridor inputs of Appendix 1); items 23, 26,
    28, 29: the pool, and for the national pool the green-corridor table."""
    errors: dict[str, list[str]] = {}
    bin_ = fields["bin"]
    if bin_problem(bin_):
        errors["bin"] = [bin_problem(bin_)]
    for name in ("cost_kzt", "jobs", "investment_usd"):
        if fields[name] < 0:
            errors[name] = ["не меньше 0"]
    global2000 = fields["global2000"].lower()
    if global2000 not in ("yes", "no"):
        errors["global2000"] = ["yes или no"]
    if fields["tech_level"] not in TECH_LEVEL_POINTS:
        errors["tech_level"] = [f"одно из: {', '.join(TECH_LEVEL_POINTS)}"]
    org = s.scalar(select(Organisation).where(Organisation.code == fields["company_org"]))
    if org is None or org.kind != "company":
        errors["company_org"] = ["организация инвестора (вид company)"]
    if errors:
        raise ValidationFailed("Проверьте паспорт проекта", errors)
    contract_until = fields.get("contract_until")
    inputs = {"investment_usd": float(fields["investment_usd"]), "global2000": global2000 == "yes",
              "tech_level": fields["tech_level"], "jobs": fields["jobs"]}
    pool = place_in_pool(ctx, s, fields["cost_kzt"], inputs, bool(contract_until), now)
    project.company_name, project.company_inn, project.company_org = fields["company_name"], bin_, org.code
    project.sector, project.region, project.description = fields["sector"], fields["region"], fields["summary"]
    project.investment_volume, project.jobs = Decimal(fields["cost_kzt"]), fields["jobs"]
    passport_day = local_day(now)
    roadmap_due = passport_day + timedelta(days=ROADMAP_DAYS)
    project.details = {**project.details, "passport": {
        "product": fields["product"], "financing": fields["financing"], "contacts": fields["contacts"],
        "registered_on": fields["registered_on"], "created_on": passport_day.isoformat(),
        "contract_until": contract_until, "green_inputs": inputs}, "pool": pool,
        "roadmap_due": roadmap_due.isoformat()}
    due_at = end_of_day(roadmap_due).isoformat()
    return {"company_org": org.code, "roadmap_due_at": due_at, "approval_due_at": due_at}


def _back_to_initiative(s: Session, actor: Actor, project: Project, details: dict[str, Any], reason: str,
                        now: datetime) -> None:
    """Item 41: the project's conditions or region changed — the local executive body turns the card
    back into an initiative for the initiator to rework, and the authorized body is notified."""
    details.setdefault("returned_to_initiative", []).append(
        {"by": actor.login, "from_status": project.status, "reason": reason, "on": local_day(now).isoformat()})
    details["reinitiated"] = True
    authorized = s.scalar(select(Organisation.code).where(Organisation.kind == "authorized_body").order_by(Organisation.id))
    logins = [u.login for u in s.scalars(select(User).where(User.org_code == authorized, User.active.is_(True))
                                         .order_by(User.id)) if "authorized_body" in u.role_list]
    text = f"Проект «{project.name}» переведён в инициативу и возвращён органу-инициатору (п. 41): {reason}"
    notify(s, [*logins, details.get("initiator")], "kz_to_initiative", None, text, now,
           key=f"kz_project-{project.id}-{now.isoformat()}")




def extend_initiative(c: StepCall) -> None:
    """Item 40 2): once, at most 30 calendar days."""
    details, fields = c.details, c.fields
    if details.get("extended"):
        raise InvalidTransition("Инициативу можно продлить только один раз (п. 40)")
    if not 1 <= fields["days"] <= EXTENSION_MAX_DAYS:
        raise ValidationFailed("Продление не более чем на 30 календарных дней",
                               {"days": [f"от 1 до {EXTENSION_MAX_DAYS}"]})
    old = date.fromisoformat(details["review_due"])
    new = old + timedelta(days=fields["days"])
    details.update(extended=True, review_due=new.isoformat())
    c.history.update(due_from=old.isoformat(), due_to=new.isoformat())
    c.extra["review_due_at"] = end_of_day(new).isoformat()


def create_passport(c: StepCall) -> None:
    c.extra.update(_passport(c.ctx, c.session, c.subject, c.fields, c.now))
    c.details.clear()
    c.details.update(c.subject.details)


def submit_roadmap(c: StepCall) -> None:
    """Item 48: a task of every stage before the roadmap goes for approval."""
    stages = set(c.session.scalars(select(KzRoadmapTask.stage).where(KzRoadmapTask.project_id == c.subject.id)))
    missing = [st for st in ROADMAP_STAGES if st not in stages]
    if missing:
        raise ValidationFailed("В дорожной карте нет задач стадии (п. 48)", {"roadmap": missing})
    c.details["approval_round"] = {}


def decide_roadmap(c: StepCall) -> None:
    """The Chamber and the investor decide in parallel (item 49); the join continues with the data of
    whoever decided last, so each decision carries the round's outcome so far."""
    details, role = c.details, c.role
    decisions = {**details.get("approval_round", {}), role: c.action}
    details["approval_round"] = decisions
    c.extra.update({f"{role}_decision": c.action, "roadmap_rejected": "reject" in decisions.values()})
    if c.action == "reject":
        fix_due = calendar(c.session).add_working_days(local_day(c.now), FIX_WORKING_DAYS)
        details.setdefault("remarks", []).append({"by": c.actor.login, "role": role, "reason": c.fields["reason"],
                                                  "at": c.now.isoformat()})
        c.extra["fix_due_at"] = end_of_day(fix_due).isoformat()
        details["fix_due"] = fix_due.isoformat()


def return_for_fixes(c: StepCall) -> None:
    fix_due = calendar(c.session).add_working_days(local_day(c.now), FIX_WORKING_DAYS)
    c.details.setdefault("remarks", []).append({"by": c.actor.login, "role": "authorized_body",
                                                "reason": c.fields["reason"], "at": c.now.isoformat()})
    c.extra["fix_due_at"] = end_of_day(fix_due).isoformat()


def verify(c: StepCall) -> None:
    c.details["verified_on"] = local_day(c.now).isoformat()


def request_suspension(c: StepCall) -> None:
    """Item 31: only the national pool; item 33: decided in 5 working days."""
    details, fields, today = c.details, c.fields, local_day(c.now)
    if (details.get("pool") or {}).get("pool") != "national":
        raise InvalidTransition("Приостановление и исключение — для проектов общенационального пула (п. 31)")
    if fields["ground"] not in SUSPENSION_GROUNDS:
        raise ValidationFailed("Основание из п. 31", {"ground": ["число от 1 до 6"]})
    due = calendar(c.session).add_working_days(today, SUSPENSION_WORKING_DAYS)
    details["suspension"] = {"ground": fields["ground"], "ground_text": SUSPENSION_GROUNDS[fields["ground"]],
                             "justification": fields["justification"], "requested_on": today.isoformat(),
                             "decide_by": due.isoformat(), "requested_by": c.actor.login}
    c.extra["suspension_due_at"] = end_of_day(due).isoformat()


def decide_suspension(c: StepCall) -> None:
    today = local_day(c.now).isoformat()
    suspension = c.details.setdefault("suspension", {})
    suspension.update(decision=c.action, reason=c.fields["reason"], decided_on=today,
                      decided_in_time=today <= suspension.get("decide_by", "9999"))


def to_monitoring(c: StepCall) -> None:
    """Item 68: every roadmap task validated; items 34, 69: monitored until the contract's end, else 3 years."""
    pending = c.session.scalar(select(func.count()).select_from(KzRoadmapTask).where(
        KzRoadmapTask.project_id == c.subject.id, KzRoadmapTask.state != "validated"))
    if pending:
        raise InvalidTransition(f"Задачи дорожной карты не валидированы Национальной палатой: {pending} (п. 68)")
    today = local_day(c.now)
    contract = (c.details.get("passport") or {}).get("contract_until")
    until = date.fromisoformat(contract) if contract else _add_years(today, MONITORING_YEARS)
    c.details.update(monitoring_from=today.isoformat(), monitoring_until=until.isoformat())
    c.extra["monitoring_until"] = end_of_day(until).isoformat()


def to_initiative(c: StepCall) -> None:
    _back_to_initiative(c.session, c.actor, c.subject, c.details, c.fields["reason"], c.now)


def resubmit_initiative(c: StepCall) -> None:
    """Item 41: the card is an initiative again; the local executive body has 30 days (item 40) anew."""
    details = c.details
    if not details.pop("reinitiated", False):
        return
    review_due = local_day(c.now) + timedelta(days=INITIATIVE_DAYS)
    c.history.update(due_from=details["review_due"], due_to=review_due.isoformat())
    details["review_due"] = review_due.isoformat()
    c.extra["review_due_at"] = end_of_day(review_due).isoformat()


def record(c: StepCall) -> None:
    c.details.setdefault("monitoring_notes", []).append({"by": c.actor.login, "at": c.now.isoformat(),
                                                         "note": c.fields["note"]})


def _t(name: str, ru: str, en: str) -> Field:
    return required(name, ru, en)


REASON = required("reason", "Причина", "Reason")
NOTE = Field("note", "text", False, "Комментарий", "Note")
TO_INITIATIVE = Action("to_initiative", "Перевести в инициативу (изменились условия проекта или регион)",
                       "Turn back into an initiative (the project's conditions or region changed)", (REASON,),
                       to_initiative)
PASSPORT = (_t("company_name", "Наименование компании", "Company name"), _t("bin", "БИН", "BIN"),
            _t("sector", "Отрасль", "Sector"), _t("product", "Продукция", "Product"),
            _t("region", "Регион", "Region"), required("cost_kzt", "Стоимость проекта, тенге", "Cost, KZT", "int"),
            _t("financing", "Источники финансирования", "Financing"), _t("contacts", "Контакты", "Contacts"),
            _t("summary", "Краткое описание", "Summary"),
            required("registered_on", "Дата регистрации", "Registered on", "date"),
            required("company_org", "Организация инвестора", "Investor's organisation", "org", lookup="company_orgs"),
            required("jobs", "Рабочие места", "Jobs", "int"),
            required("investment_usd", "Инвестиции, долл. США", "Investment, USD", "int"),
            _t("global2000", "Компания из списка Forbes Global 2000 (yes/no)", "Forbes Global 2000 company (yes/no)"),
            _t("tech_level", "Технологический уровень", "Technology level"),
            Field("contract_until", "date", False, "Соглашение действует до", "Agreement valid until"))
APPROVAL = (Action("approve", "Согласовать", "Approve", handler=decide_roadmap),
            Action("reject", "Отклонить с причиной", "Reject with a reason", (REASON,), decide_roadmap))

STEPS = (
    Step("initiative_review", "Рассмотрение инициативы", "Reviewing the initiative", SUBJECT, ("local_exec",),
         (Action("create_passport", "Создать паспорт проекта", "Create the project passport", PASSPORT, create_passport),
          Action("extend", "Продлить (один раз, до 30 дней)", "Extend (once, up to 30 days)",
                 (required("days", "Дней продления", "Days", "int"), REASON), extend_initiative),
          Action("return", "Вернуть органу-инициатору", "Return to the initiator", (REASON,)))),
    Step("initiative_fix", "Доработка инициативы", "Reworking the initiative", SUBJECT, ("initiator",),
         (Action("resubmit", "Передать повторно", "Submit again", (NOTE,), resubmit_initiative),
          Action("withdraw", "Отозвать инициативу", "Withdraw the initiative", (REASON,)))),
    Step("roadmap", "Формирование дорожной карты", "Building the roadmap", SUBJECT, ("local_exec",),
         (Action("submit", "Направить на согласование", "Send for approval", handler=submit_roadmap), TO_INITIATIVE)),
    Step("roadmap_approval", "Согласование дорожной карты", "Roadmap approval", SUBJECT, ("chamber", "investor"),
         APPROVAL),
    Step("roadmap_fix", "Устранение замечаний к дорожной карте", "Fixing the roadmap", SUBJECT, ("initiator",),
         (Action("resubmit", "Направить на повторное согласование", "Send for approval again",
                 handler=submit_roadmap),)),
    Step("verification", "Верификация паспорта и дорожной карты", "Verification", SUBJECT, ("authorized_body",),
         (Action("verify", "Верифицировать", "Verify", handler=verify),
          Action("return", "Вернуть на доработку", "Return for fixes", (REASON,), return_for_fixes))),
    Step("implementation", "Реализация проекта", "Implementation", SUBJECT, ("local_exec",),
         (Action("to_monitoring", "Перевести в Модуль 3", "Move to Module 3", handler=to_monitoring),
          Action("request_suspension", "Запросить приостановление или исключение",
                 "Request suspension or exclusion",
                 (required("ground", "Основание (п. 31)", "Ground (item 31)", "int"),
                  required("justification", "Обоснование", "Justification")), request_suspension),
          TO_INITIATIVE)),
    Step("suspension", "Решение о приостановлении / исключении", "Suspension decision", SUBJECT,
         ("authorized_body",),
         (Action("suspend", "Приостановить", "Suspend", (REASON,), decide_suspension),
          Action("exclude", "Исключить из пула", "Exclude from the pool", (REASON,), decide_suspension),
          Action("refuse", "Отказать", "Refuse", (REASON,), decide_suspension))),
    Step("suspended", "Проект приостановлен", "Project suspended", SUBJECT, ("local_exec",),
         (Action("resume", "Возобновить", "Resume", (NOTE,)),)),
    Step("monitoring", "Постинвестиционный мониторинг", "Post-investment monitoring", SUBJECT, ("authorized_body",),
         (Action("record", "Запись мониторинга", "Monitoring note", (required("note", "Запись", "Note"),), record),)),
)
"""The project path's steps; the Kazakhstan pack also runs the shared appeal steps."""
