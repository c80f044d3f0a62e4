"""Projects: who may see them, the passport view, the manager's changes and the project's history.

Seed 000 item 1.8 (the manager keeps the passport, the stage and the interaction), item 4.3 (stages
and how often their information is updated); seed 001 «История проекта»: every action on the
project and on its appeals, with who did it.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from classifiers.packs import PACKS
from classifiers.project_stages import BY_CODE, PHASES, next_update_due, stale_before
from engine.history import append_event
from engine.models import HistoryEvent
from services.context import Actor, Context
from services.errors import NotFound, NotPermitted, ValidationFailed
from services.models import Appeal, Notification, Project, ProjectTask, Registration, User

AGENCY_WIDE = ("manager", "coordinator", "head", "deputy_director", "analyst", "auditor", "moderator")
EDITORS = ("head", "deputy_director")  # besides the project's own manager
TEXT_FIELDS = {"name": 500, "site": 500, "description": 20000, "sector": 120, "source": 120, "region": 120}
PASSPORT_FIELDS = ("name", "okved", "sector", "source", "investment_volume", "jobs", "site", "region", "description")
STATUS_RU = {"active": "Активная стадия", "passive": "Пассивная стадия"}


def sees_all(actor: Actor) -> bool:
    """Agency staff and the system's admins see every project."""
    return actor.has("admin") or (actor.org_kind == "agency" and actor.has(*AGENCY_WIDE))


def visible_projects(actor: Actor) -> Select:
    """The projects `actor` may see: all for the agency's staff, the own company's for an investor,
    the own ones for a district commissioner or a manager outside the agency."""
    query = select(Project)
    if sees_all(actor):
        return query
    conditions = [Project.commissioner_login == actor.login, Project.manager_login == actor.login]
    if actor.has("investor"):
        conditions.append(Project.company_org == actor.org_code)
    return query.where(or_(*conditions))


def load_project(session: Session, actor: Actor, project_id: int, lock: bool = False) -> Project:
    """The project if the actor may see it; 404 otherwise. `lock`: hold its row (PostgreSQL) so two
    writers never fork the project's history chain."""
    query = visible_projects(actor).where(Project.id == project_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    project = session.scalar(query)
    if project is None:
        raise NotFound("Проект не найден")
    return project


def may_manage(actor: Actor, project: Project) -> bool:
    return actor.login == project.manager_login or (actor.org_kind == "agency" and actor.has(*EDITORS)) \
        or actor.has("admin")


def local_today(ctx: Context, now: datetime) -> date:
    return now.astimezone(ctx.tz).date()


def support_packs() -> tuple[str, ...]:
    """The packs whose projects follow the support path of seed 000 (those that run the onboarding process)."""
    return tuple(code for code, pack in PACKS.items() if pack.runs("onboarding"))


def staleness(project: Project, now: datetime) -> dict[str, Any] | None:
    """The stage's cadence, when the information is due again and whether it is out of date."""
    stage = BY_CODE.get(project.stage or "")
    if stage is None or project.pack not in support_packs():
        return None
    updated = project.info_updated_at or project.created_at
    return {"cadence": stage.cadence, "updated_at": updated, "due_at": next_update_due(stage, updated),
            "stale": updated < stale_before(stage, now)}


def people(session: Session, logins: list[str | None]) -> dict[str, dict[str, Any]]:
    wanted = {x for x in logins if x}
    found = {u.login: u for u in session.scalars(select(User).where(User.login.in_(wanted)))} if wanted else {}
    return {login: ({"login": u.login, "name": u.name, "email": u.email, "phone": u.phone, "org": u.org_code}
                    if (u := found.get(login)) else {"login": login, "name": login}) for login in wanted}


def project_view(session: Session, project: Project, now: datetime) -> dict[str, Any]:
    """The project as the API returns it: passport, manager, commissioner, stage, status, staleness."""
    who = people(session, [project.manager_login, project.commissioner_login])
    stage = BY_CODE.get(project.stage or "")
    return {
        "id": project.id, "pack": project.pack, "name": project.name,
        "company": {"org": project.company_org, "name": project.company_name, "inn": project.company_inn,
                    "ogrn": project.company_ogrn},
        "okved": project.okved, "sector": project.sector, "source": project.source,
        "investment_volume": float(project.investment_volume) if project.investment_volume is not None else None,
        "jobs": project.jobs, "site": project.site, "region": project.region, "description": project.description,
        "manager": who.get(project.manager_login or "") or {"login": None},
        "commissioner": who.get(project.commissioner_login or "") or {"login": None},
        "stage": project.stage, "stage_name": stage.name if stage else project.stage,
        "stage_phase": PHASES.get(stage.phase) if stage and stage.phase else None,
        "status": project.status, "status_name": STATUS_RU.get(project.status, project.status),
        "created_at": _utc(project.created_at), "info_updated_at": _utc(project.info_updated_at),
        "closed_at": _utc(project.closed_at), "staleness": staleness(project, now),
        "details": project.details or {},
    }


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def create_from_application(session: Session, pack: str, registration: Registration, sector: str | None, source: str,
                            actor: Actor, role: str | None, now: datetime) -> Project:
    """Seed 000 item 2.2.2: once the manager confirms the support application the project exists:
    status active, the first stage of item 4.3 (site selection), the registration's manager."""
    app = registration.application or {}
    project = Project(
        pack=pack, name=app["name"], company_org=registration.company_org,
        company_name=registration.company_name, company_inn=registration.inn, company_ogrn=registration.ogrn,
        okved=app.get("okved"), sector=sector, source=source,
        investment_volume=Decimal(app["investment_volume"]) if app.get("investment_volume") else None,
        jobs=app.get("jobs"), site=app.get("site"), description=app.get("description"), region=app.get("region"),
        manager_login=registration.manager_login, stage="site_selection", status="active", details={},
        created_at=now, info_updated_at=now)
    session.add(project)
    session.flush()
    append_event(session, "project", project.id, now, actor.login, role, "project_created",
                 status_to=project.status, data={"registration_id": registration.id, "stage": project.stage,
                                                  "manager": project.manager_login, "sector": sector,
                                                  "source": source})
    return project


def _passport_changes(session: Session, project: Project, body: dict[str, Any]) -> tuple[dict, dict]:
    """The new values of the fields in `body` (shape checked by web/schemas_projects.py
    `ProjectChangeIn`): the people named must exist, a manager must be one (422 naming the field)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {k: body[k] for k in (*PASSPORT_FIELDS, "stage") if k in body}
    for name, column in (("commissioner", "commissioner_login"), ("manager", "manager_login")):
        if name in body:
            login = body[name]
            user = session.scalar(select(User).where(User.login == login, User.active.is_(True))) \
                if login is not None else None
            if login is not None and user is None:
                errors[name] = [f"нет пользователя '{login}'"]
            elif name == "manager" and user is not None and "manager" not in user.role_list:
                errors[name] = ["пользователь не менеджер"]
            values[column] = login
    if errors:
        raise ValidationFailed("Проект не изменён: проверьте поля", errors)
    changes = {}
    for key, value in values.items():
        old = getattr(project, key)
        if (float(old) if isinstance(old, Decimal) else old) != (float(value) if isinstance(value, Decimal) else value):
            changes[key] = [old, value]
    return values, changes


def update_project(ctx: Context, actor: Actor, project_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """The manager changes the passport, the stage or the commissioner; the history keeps old → new.
    Any change by the manager counts as updating the project's information (seed 000 item 4.3) and
    closes an open «Актуализировать информацию по проекту» task."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = load_project(s, actor, project_id, lock=True)
        if not may_manage(actor, project):
            raise NotPermitted("Изменять проект может его менеджер или руководство агентства")
        if "manager" in body and not actor.has(*EDITORS, "admin"):
            raise NotPermitted("Менеджера проекта назначает руководство агентства")
        values, changes = _passport_changes(s, project, body)
        for key, value in values.items():
            setattr(project, key, value)
        status_from = project.status
        if "stage" in values:
            project.status = BY_CODE[values["stage"]].group
        project.info_updated_at = now
        role = _role(actor, project)
        append_event(s, "project", project.id, now, actor.login, role, "project_updated",
                     status_from=status_from, status_to=project.status,
                     data={"changes": {k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()}})
        closed = close_actualize(s, project.id, actor.login, now)
        if closed:
            append_event(s, "project", project.id, now, actor.login, role, "info_actualized",
                         status_from=project.status, status_to=project.status, data={"task_id": closed})
        if "manager_login" in changes and project.manager_login:
            s.add(Notification(recipient=project.manager_login, appeal_id=None, event="project_assigned",
                               text=f"Вам передан проект «{project.name}»", created_at=now))
        view = project_view(s, project, now)
        uow.commit()
        return view


def close_actualize(session: Session, project_id: int, login: str, now: datetime) -> int | None:
    """Mark the project's open update task done; returns its id (None when there was none)."""
    task = session.scalar(select(ProjectTask).where(ProjectTask.project_id == project_id,
                                                    ProjectTask.kind == "actualize", ProjectTask.done_at.is_(None)))
    if task is None:
        return None
    task.done_at, task.done_by, task.open_key = now, login, None
    return task.id


def _role(actor: Actor, project: Project) -> str:
    if actor.login == project.manager_login:
        return "manager"
    return next((r for r in ("deputy_director", "head", "admin", "investor") if actor.has(r)), actor.roles[0])


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def get_project(ctx: Context, actor: Actor, project_id: int) -> dict[str, Any]:
    with ctx.db.unit_of_work() as uow:
        return project_view(uow.session, load_project(uow.session, actor, project_id), ctx.clock())


def list_projects(ctx: Context, actor: Actor, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        rows = uow.session.scalars(visible_projects(actor).order_by(Project.id.desc()).limit(limit).offset(offset))
        return [project_view(uow.session, p, now) for p in rows]


def project_history(ctx: Context, actor: Actor, project_id: int) -> list[dict[str, Any]]:
    """Seed 001 «История проекта»: the project's own events, its onboarding and every step of its
    appeals, oldest first, each with who did it (login, name, role)."""
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        load_project(s, actor, project_id)
        appeals = dict(s.execute(select(Appeal.id, Appeal.number).where(Appeal.project_id == project_id)).all())
        registrations = list(s.scalars(select(Registration.id).where(Registration.project_id == project_id)))
        subjects = [and_(HistoryEvent.subject_type == "project", HistoryEvent.subject_id == project_id)]
        if appeals:
            subjects.append(and_(HistoryEvent.subject_type == "appeal", HistoryEvent.subject_id.in_(appeals)))
        if registrations:
            subjects.append(and_(HistoryEvent.subject_type == "registration",
                                 HistoryEvent.subject_id.in_(registrations)))
        events = [e for e in s.scalars(select(HistoryEvent).where(or_(*subjects))
                                       .order_by(HistoryEvent.at, HistoryEvent.id))
                  if not (e.action == "timer" and e.status_from == e.status_to)]
        names = people(s, [e.actor for e in events])
        return [{"id": e.id, "subject": e.subject_type, "subject_id": e.subject_id,
                 "appeal_number": appeals.get(e.subject_id) if e.subject_type == "appeal" else None,
                 "at": _utc(e.at), "actor": e.actor, "actor_name": names.get(e.actor, {}).get("name", e.actor),
                 "role": e.role, "action": e.action, "task": e.task, "status_from": e.status_from,
                 "status_to": e.status_to, "data": e.data} for e in events]
