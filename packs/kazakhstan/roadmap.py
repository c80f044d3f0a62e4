"""Kazakhstan projects read and roadmaps kept (seed 003 items 47–48, 61, 63–65).

Who: the local executive body and the initiator build and fix the roadmap while it is being
formed or returned (items 47, 50); during implementation the local executive body marks tasks done
(item 64) and the Chamber validates them within 5 working days of completion (item 65). Agency
roles read every project; an investor reads the projects of their own company.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.history import append_event
from packs.kazakhstan.models import KzRoadmapTask
from packs.kazakhstan.projects import FIX_WORKING_DAYS, SUBJECT, calendar, local_day
from packs.kazakhstan.views import project_view, task_view
from services.context import Actor, Context
from services.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from services.models import Project

AGENCY_ROLES = ("initiator", "local_exec", "chamber", "authorized_body", "prosecutor", "analyst", "auditor",
                "head", "admin", "coordinator", "manager", "moderator")
EDITABLE = ("passport", "roadmap_returned")  # while the roadmap is formed or fixed
VALIDATION_WORKING_DAYS = FIX_WORKING_DAYS  # item 65: also 5 working days


def _visible(actor: Actor, project: Project) -> bool:
    if actor.has(*AGENCY_ROLES):
        return True
    return actor.has("investor") and project.company_org is not None and project.company_org == actor.org_code


def _project(s: Session, actor: Actor, project_id: int) -> Project:
    project = s.get(Project, project_id)
    if project is None or project.pack != "kazakhstan" or not _visible(actor, project):
        raise NotFound("Проект не найден")
    return project


def list_projects(ctx: Context, actor: Actor, status: str | None = None, region: str | None = None) -> list[dict]:
    if not actor.has(*AGENCY_ROLES, "investor"):
        raise NotPermitted("Нет доступа к проектам")
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        query = select(Project).where(Project.pack == "kazakhstan").order_by(Project.id)
        if not actor.has(*AGENCY_ROLES):
            query = query.where(Project.company_org == actor.org_code)
        if status:
            query = query.where(Project.status == status)
        if region:
            query = query.where(Project.region == region)
        return [project_view(uow.session, p, now) for p in uow.session.scalars(query)]


def get_project(ctx: Context, actor: Actor, project_id: int) -> dict[str, Any]:
    with ctx.db.unit_of_work() as uow:
        return project_view(uow.session, _project(uow.session, actor, project_id), ctx.clock())


def _editor(actor: Actor, project: Project) -> None:
    details = project.details or {}
    if project.status not in EDITABLE:
        raise InvalidTransition("Дорожную карту можно менять, пока она формируется или на доработке")
    ok = (actor.has("local_exec") and actor.org_code == details.get("local_exec_org")) or (
        actor.has("initiator") and actor.org_code == details.get("initiator_org"))
    if not ok:
        raise NotPermitted("Дорожную карту ведут местный исполнительный орган и орган-инициатор проекта")


def _event(s: Session, project: Project, actor: Actor, action: str, now: datetime, data: dict) -> None:
    append_event(s, SUBJECT, project.id, now, actor.login, actor.roles[0] if actor.roles else None, action,
                 status_from=project.status, status_to=project.status, data=data, instance_id=project.instance_id)


def add_task(ctx: Context, actor: Actor, project_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """Items 47–48: a roadmap task (`fields` as packs/kazakhstan/web/schemas.py `RoadmapTaskIn` loads them)."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = _project(s, actor, project_id)
        _editor(actor, project)
        task = KzRoadmapTask(project_id=project.id, state="open", created_at=now, created_by=actor.login, **fields)
        s.add(task)
        s.flush()
        _event(s, project, actor, "roadmap_task_added", now, {"roadmap_task": task.id, "title": task.title})
        view = task_view(task, local_day(now))
        uow.commit()
        return view


def _task(s: Session, actor: Actor, task_id: int) -> tuple[KzRoadmapTask, Project]:
    task = s.get(KzRoadmapTask, task_id)
    if task is None:
        raise NotFound("Задача дорожной карты не найдена")
    return task, _project(s, actor, task.project_id)


def update_task(ctx: Context, actor: Actor, task_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """Items 47, 50: the fields given change (any subset of `RoadmapTaskIn`'s)."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        task, project = _task(uow.session, actor, task_id)
        _editor(actor, project)
        for name, value in fields.items():
            setattr(task, name, value)
        _event(uow.session, project, actor, "roadmap_task_changed", now,
               {"roadmap_task": task.id, **{k: str(v) for k, v in fields.items()}})
        view = task_view(task, local_day(now))
        uow.commit()
        return view


def delete_task(ctx: Context, actor: Actor, task_id: int) -> None:
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        task, project = _task(uow.session, actor, task_id)
        _editor(actor, project)
        _event(uow.session, project, actor, "roadmap_task_removed", now, {"roadmap_task": task.id, "title": task.title})
        uow.session.delete(task)
        uow.commit()


def complete_task(ctx: Context, actor: Actor, task_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Item 64: the local executive body marks a task done; the Chamber's validation is due in 5
    working days of the actual completion (item 65). `body["completed_on"]`: a date or None (today)."""
    now = ctx.clock()
    today = local_day(now)
    done_on = body.get("completed_on") or today
    if done_on > today:
        raise ValidationFailed("Дата окончания в будущем", {"completed_on": ["не позже сегодняшнего дня"]})
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        task, project = _task(s, actor, task_id)
        if not (actor.has("local_exec") and actor.org_code == (project.details or {}).get("local_exec_org")):
            raise NotPermitted("Ход реализации отмечает местный исполнительный орган проекта (п. 64)")
        if project.status != "with_roadmap":
            raise InvalidTransition("Задачи отмечаются на стадии реализации (статус «С дорожной картой»)")
        if task.state != "open":
            raise InvalidTransition("Задача уже выполнена")
        task.state, task.completed_on = "done", done_on
        task.validation_due = calendar(s).add_working_days(done_on, VALIDATION_WORKING_DAYS)
        task.validated_at = task.validated_by = task.validation_comment = None
        project.info_updated_at = now
        _event(s, project, actor, "roadmap_task_done", now, {"roadmap_task": task.id, "completed_on": done_on.isoformat(),
                                                              "validation_due": task.validation_due.isoformat()})
        view = task_view(task, today)
        uow.commit()
        return view


def validate_task(ctx: Context, actor: Actor, task_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Item 65: the Chamber accepts a completed task, or sends it back open with a comment
    (`body`: accepted, comment, as packs/kazakhstan/web/schemas.py `RoadmapValidationIn` loads it)."""
    if not actor.has("chamber"):
        raise NotPermitted("Задачи валидирует Национальная палата (п. 65)")
    accepted, comment = body["accepted"], body.get("comment")
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        task, project = _task(s, actor, task_id)
        if task.state != "done":
            raise InvalidTransition("Валидируется выполненная задача")
        in_time = local_day(now) <= task.validation_due
        task.validation_comment = comment
        if accepted:
            task.state, task.validated_at, task.validated_by = "validated", now, actor.login
        else:
            task.state, task.completed_on, task.validation_due = "open", None, None
        _event(s, project, actor, "roadmap_task_validated" if accepted else "roadmap_task_rejected", now,
               {"roadmap_task": task.id, "in_time": in_time, "comment": comment})
        view = task_view(task, local_day(now))
        view["validated_in_time"] = in_time
        uow.commit()
        return view
