"""Kazakhstan investment projects (seed 003 chapters 3–4): initiative, passport, roadmap approval,
verification, implementation, item 31 suspension, post-investment monitoring.

The route is `workflows/bpmn/kazakhstan/kz_project.bpmn` (subject type `kz_project`, the row lives in
`projects` with pack 'kazakhstan'); this module applies each step's domain side (keyed by the
task's `step` and the action) and computes every deadline on the KZ production calendar.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from classifiers.calendar import ProductionCalendar
from classifiers.inn import bin_problem
from classifiers.scoring import TECH_LEVEL_POINTS
from engine.errors import InvalidTransition, ValidationFailed
from engine.history import append_event
from engine.runtime import SYSTEM, RunResult
from packs.kazakhstan.models import ROADMAP_STAGES, KzRoadmapTask
from packs.kazakhstan.region import COUNTRY, TZ
from packs.kazakhstan.scoring import place_in_pool
from packs.kazakhstan.status import KZ_FINAL, STAGE_OF, SUSPENSION_GROUNDS
from packs.kazakhstan.views import project_view
from services.context import Actor, Context
from services.models import CalendarOverride, Organisation, Project, User
from services.notify.writer import notify

PROCESS_ID = SUBJECT = "kz_project"
INITIATIVE_DAYS = 30      # item 40: calendar days for the local executive body
EXTENSION_MAX_DAYS = 30   # item 40 2): once, at most 30 calendar days
ROADMAP_DAYS = 30         # items 47, 49: calendar days after the passport
FIX_WORKING_DAYS = 5      # item 50
SUSPENSION_WORKING_DAYS = 5  # item 33
HANDOVER_WORKING_DAYS = 3    # item 39
MONITORING_YEARS = 3      # items 34, 69


def calendar(session: Session) -> ProductionCalendar:
    """The KZ production calendar with the admin's corrections (calendar_overrides)."""
    return ProductionCalendar(COUNTRY, {o.day: o.working for o in session.scalars(select(CalendarOverride))})


def local_day(at: datetime) -> date:
    return at.astimezone(TZ).date()


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), TZ)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# -- steps ---------------------------------------------------------------------------------------

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


def _apply(ctx: Context, s: Session, actor: Actor, project: Project, step: str, role: str, action: str,
           fields: dict[str, Any], now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The project's side of an action: (process data changes, extra history data)."""
    details = dict(project.details or {})
    extra: dict[str, Any] = {}
    history: dict[str, Any] = {}
    today = local_day(now)
    if step == "initiative_review" and action == "extend":
        if details.get("extended"):
            raise InvalidTransition("Инициативу можно продлить только один раз (п. 40)")
        if not 1 <= fields["days"] <= EXTENSION_MAX_DAYS:
            raise ValidationFailed("Продление не более чем на 30 календарных дней",
                                   {"days": [f"от 1 до {EXTENSION_MAX_DAYS}"]})
        old = date.fromisoformat(details["review_due"])
        new = old + timedelta(days=fields["days"])
        details.update(extended=True, review_due=new.isoformat())
        history = {"due_from": old.isoformat(), "due_to": new.isoformat()}
        extra = {"review_due_at": end_of_day(new).isoformat()}
    elif step == "initiative_review" and action == "create_passport":
        extra = _passport(ctx, s, project, fields, now)
        details = dict(project.details)
    elif step == "roadmap" and action == "submit" or step == "roadmap_fix" and action == "resubmit":
        stages = set(s.scalars(select(KzRoadmapTask.stage).where(KzRoadmapTask.project_id == project.id)))
        missing = [st for st in ROADMAP_STAGES if st not in stages]
        if missing:
            raise ValidationFailed("В дорожной карте нет задач стадии (п. 48)", {"roadmap": missing})
        details["approval_round"] = {}
    elif step == "roadmap_approval":
        # The Chamber and the investor decide in parallel (item 49); the join continues with the data of
        # whoever decided last, so each decision carries the round's outcome so far.
        decisions = {**details.get("approval_round", {}), role: action}
        details["approval_round"] = decisions
        extra = {f"{role}_decision": action, "roadmap_rejected": "reject" in decisions.values()}
        if action == "reject":
            fix_due = calendar(s).add_working_days(today, FIX_WORKING_DAYS)
            details.setdefault("remarks", []).append({"by": actor.login, "role": role, "reason": fields["reason"],
                                                      "at": now.isoformat()})
            extra["fix_due_at"] = end_of_day(fix_due).isoformat()
            details["fix_due"] = fix_due.isoformat()
    elif step == "verification" and action == "return":
        fix_due = calendar(s).add_working_days(today, FIX_WORKING_DAYS)
        details.setdefault("remarks", []).append({"by": actor.login, "role": "authorized_body",
                                                  "reason": fields["reason"], "at": now.isoformat()})
        extra = {"fix_due_at": end_of_day(fix_due).isoformat()}
    elif step == "verification" and action == "verify":
        details["verified_on"] = today.isoformat()
    elif step == "implementation" and action == "request_suspension":
        if (details.get("pool") or {}).get("pool") != "national":
            raise InvalidTransition("Приостановление и исключение — для проектов общенационального пула (п. 31)")
        if fields["ground"] not in SUSPENSION_GROUNDS:
            raise ValidationFailed("Основание из п. 31", {"ground": ["число от 1 до 6"]})
        due = calendar(s).add_working_days(today, SUSPENSION_WORKING_DAYS)
        details["suspension"] = {"ground": fields["ground"], "ground_text": SUSPENSION_GROUNDS[fields["ground"]],
                                 "justification": fields["justification"], "requested_on": today.isoformat(),
                                 "decide_by": due.isoformat(), "requested_by": actor.login}
        extra = {"suspension_due_at": end_of_day(due).isoformat()}
    elif step == "suspension":
        details.setdefault("suspension", {}).update(decision=action, reason=fields["reason"], decided_on=today.isoformat(),
                                                    decided_in_time=today.isoformat() <= details.get("suspension", {}).get("decide_by", "9999"))
    elif step == "implementation" and action == "to_monitoring":
        pending = s.scalar(select(func.count()).select_from(KzRoadmapTask).where(
            KzRoadmapTask.project_id == project.id, KzRoadmapTask.state != "validated"))
        if pending:
            raise InvalidTransition(f"Задачи дорожной карты не валидированы Национальной палатой: {pending} (п. 68)")
        contract = (details.get("passport") or {}).get("contract_until")
        until = date.fromisoformat(contract) if contract else _add_years(today, MONITORING_YEARS)
        details.update(monitoring_from=today.isoformat(), monitoring_until=until.isoformat())
        extra = {"monitoring_until": end_of_day(until).isoformat()}
    elif step in ("roadmap", "implementation") and action == "to_initiative":
        _back_to_initiative(s, actor, project, details, fields["reason"], now)
    elif step == "initiative_fix" and action == "resubmit" and details.pop("reinitiated", False):
        # Item 41: the card is an initiative again; the local executive body has 30 days (item 40) anew.
        review_due = today + timedelta(days=INITIATIVE_DAYS)
        history = {"due_from": details["review_due"], "due_to": review_due.isoformat()}
        details["review_due"] = review_due.isoformat()
        extra = {"review_due_at": end_of_day(review_due).isoformat()}
    elif step == "monitoring" and action == "record":
        details.setdefault("monitoring_notes", []).append({"by": actor.login, "at": now.isoformat(), "note": fields["note"]})
    project.details = details
    project.info_updated_at = now
    return extra, history


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


def complete(ctx: Context, s: Session, actor: Actor, task, spec, action: str, fields: dict[str, Any],
             now: datetime) -> dict[str, Any]:
    """The subject handler of `kz_project` tasks (services/subjects.py)."""
    project = s.get(Project, task.subject_id)
    extra, history = _apply(ctx, s, actor, project, spec.step, spec.role, action, fields, now)
    result: RunResult = ctx.engine.complete(s, task.instance_id, task.task_uuid, action, fields, actor.login,
                                            task.role, now, extra_data=extra, history_data={**fields, **history})
    apply_run(s, result, now)
    return {"task_id": task.id, "action": action, "status_from": result.status_from, "status_to": result.status_to,
            "project": project_view(s, project, now),
            "next_tasks": [{"name": t.bpmn_id, "step": ctx.engine.task_form(s, task.instance_id, t.bpmn_id).step,
                            "title": t.title, "role": t.role} for t in result.ready]}


def apply_run(s: Session, result: RunResult, now: datetime) -> Project | None:
    """A run's new status on the project; the monitoring timer's end excludes it (item 34)."""
    project = s.get(Project, result.subject_id)
    if project is None:
        return None
    before = project.status
    project.status = result.status_to or project.status
    project.stage = STAGE_OF.get(project.status, project.stage)
    if result.completed or project.status in KZ_FINAL:
        project.closed_at = project.closed_at or now
    if result.status_from != result.status_to and before == "post_monitoring" and project.status == "excluded":
        project.details = {**project.details, "excluded_automatically_on": local_day(now).isoformat()}
        append_event(s, SUBJECT, project.id, now, SYSTEM, None, "auto_excluded", status_from=before,
                     status_to=project.status, data={"monitoring_until": project.details.get("monitoring_until")},
                     instance_id=project.instance_id)
    return project

