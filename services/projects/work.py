"""Work on a project: meetings with their protocol (seed 000 items 3.1–3.3), to-dos between the
investor and the manager (seed 001 «Создавать задачи»), and the update cadence of item 4.3: a project
whose information is older than its stage allows gets one «Актуализировать информацию по проекту»
task for its manager.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from classifiers.project_stages import STAGES, stale_before
from engine.history import append_event
from engine.runtime import SYSTEM
from services.context import Actor, Context
from services.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from services.models import CalendarOverride, Notification, Project, ProjectMeeting, ProjectTask, User
from services.projects.project import close_actualize, load_project, local_today, may_manage, support_packs

MEETING_KINDS = {"meeting": "Встреча", "consultation": "Консультация", "site_selection": "Подбор земельного участка"}
PROTOCOL_KINDS = {"protocol": "Протокол", "resume": "Резюме встречи"}
ACTUALIZE_TITLE = "Актуализировать информацию по проекту"


def protocol_due(ctx: Context, session: Session, planned_at: datetime) -> date:
    """Seed 000 item 3.1: the protocol or resume is entered not later than the next working day."""
    overrides = {o.day: o.working for o in session.scalars(select(CalendarOverride))}
    return ctx.pack.calendar(overrides).next_working_day(planned_at.astimezone(ctx.tz).date())


def add_meeting(ctx: Context, actor: Actor, project_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """A planned meeting or consultation with its agenda; its protocol becomes the manager's task due
    the next working day after the meeting. `body` as web/schemas_projects.py `MeetingIn` loads it;
    a `planned_at` without a zone is local to the pack."""
    kind, title, agenda, planned_at = body.get("kind") or "meeting", body["title"], body["agenda"], body["planned_at"]
    planned_at = planned_at if planned_at.tzinfo else planned_at.replace(tzinfo=ctx.tz)
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = load_project(s, actor, project_id, lock=True)
        if not may_manage(actor, project):
            raise NotPermitted("Встречи по проекту вносит его менеджер")
        due = protocol_due(ctx, s, planned_at)
        meeting = ProjectMeeting(project_id=project.id, kind=kind, title=title, agenda=agenda, planned_at=planned_at,
                                 protocol_due=due, created_by=actor.login, created_at=now)
        s.add(meeting)
        s.flush()
        assignee = project.manager_login or actor.login
        s.add(ProjectTask(project_id=project.id, kind="protocol", title=f"Внести протокол или резюме: {title}",
                          assignee_login=assignee, due_date=due, meeting_id=meeting.id, created_by=actor.login,
                          created_at=now))
        append_event(s, "project", project.id, now, actor.login, _role(actor), "meeting_planned",
                     data={"meeting_id": meeting.id, "kind": kind, "title": title, "planned_at": planned_at,
                           "protocol_due": due})
        s.flush()
        view = meeting_view(ctx, meeting, now)
        uow.commit()
        return view


def enter_protocol(ctx: Context, actor: Actor, project_id: int, meeting_id: int, body: dict[str, Any]) -> dict:
    """The protocol (or, by agreement, a resume: item 3.3) of a held meeting; closes its task
    (`body`: kind, text; web/schemas_projects.py `ProtocolIn`)."""
    kind, text = body.get("kind") or "protocol", body["text"]
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = load_project(s, actor, project_id, lock=True)
        meeting = s.get(ProjectMeeting, meeting_id)
        if meeting is None or meeting.project_id != project.id:
            raise NotFound("Встреча не найдена")
        if not may_manage(actor, project):
            raise NotPermitted("Протокол вносит менеджер проекта")
        if meeting.protocol_at is not None:
            raise InvalidTransition("Протокол уже внесён")
        if local_today(ctx, now) < meeting.planned_at.astimezone(ctx.tz).date():
            raise ValidationFailed("Встреча ещё не состоялась", {"text": ["протокол вносится в день встречи или позже"]})
        meeting.protocol_kind, meeting.protocol_text = kind, text
        meeting.protocol_at, meeting.protocol_by = now, actor.login
        for task in s.scalars(select(ProjectTask).where(ProjectTask.meeting_id == meeting.id,
                                                        ProjectTask.done_at.is_(None))):
            task.done_at, task.done_by = now, actor.login
        project.info_updated_at = now
        close_actualize(s, project.id, actor.login, now)
        late = local_today(ctx, now) > meeting.protocol_due
        append_event(s, "project", project.id, now, actor.login, _role(actor), "protocol_entered",
                     data={"meeting_id": meeting.id, "kind": kind, "text": text, "late": late})
        view = meeting_view(ctx, meeting, now)
        uow.commit()
        return view


def meeting_view(ctx: Context, m: ProjectMeeting, now: datetime) -> dict[str, Any]:
    return {"id": m.id, "project_id": m.project_id, "kind": m.kind, "kind_name": MEETING_KINDS.get(m.kind),
            "title": m.title, "agenda": m.agenda, "planned_at": m.planned_at.astimezone(UTC),
            "protocol_due": m.protocol_due, "created_by": m.created_by,
            "protocol": ({"kind": m.protocol_kind, "kind_name": PROTOCOL_KINDS.get(m.protocol_kind or ""),
                          "text": m.protocol_text, "at": m.protocol_at.astimezone(UTC), "by": m.protocol_by}
                         if m.protocol_at else None),
            "protocol_overdue": m.protocol_at is None and local_today(ctx, now) > m.protocol_due}


def list_meetings(ctx: Context, actor: Actor, project_id: int) -> list[dict[str, Any]]:
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        load_project(uow.session, actor, project_id)
        rows = uow.session.scalars(select(ProjectMeeting).where(ProjectMeeting.project_id == project_id)
                                   .order_by(ProjectMeeting.planned_at.desc()))
        return [meeting_view(ctx, m, now) for m in rows]


def _role(actor: Actor) -> str:
    return next((r for r in ("manager", "deputy_director", "head", "investor", "admin") if actor.has(r)),
                actor.roles[0])


def add_task(ctx: Context, actor: Actor, project_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """A to-do between the investor and the manager: title, assignee, due date (`body` as
    web/schemas_projects.py `ProjectTaskIn` loads it)."""
    title, description, due, assignee = body["title"], body.get("description"), body["due_date"], body["assignee"]
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = load_project(s, actor, project_id, lock=True)
        if not (may_manage(actor, project) or (actor.has("investor") and project.company_org == actor.org_code)):
            raise NotPermitted("Задачи по проекту ставят инвестор и менеджер проекта")
        user = s.scalar(select(User).where(User.login == assignee, User.active.is_(True)))
        if user is None or not (user.login == project.manager_login or user.org_code == project.company_org
                                or user.login == project.commissioner_login):
            raise ValidationFailed("Исполнитель не найден",
                                   {"assignee": ["менеджер, инвестор или инвеступолномоченный проекта"]})
        task = ProjectTask(project_id=project.id, kind="todo", title=title, description=description,
                           assignee_login=assignee, due_date=due, created_by=actor.login, created_at=now)
        s.add(task)
        s.flush()
        s.add(Notification(recipient=assignee, appeal_id=None, event="project_task",
                           text=f"Новая задача по проекту «{project.name}»: {title}", created_at=now))
        append_event(s, "project", project.id, now, actor.login, _role(actor), "task_created",
                     data={"task_id": task.id, "title": title, "assignee": assignee, "due_date": due})
        view = task_view(ctx, task, now)
        uow.commit()
        return view


def finish_task(ctx: Context, actor: Actor, project_id: int, task_id: int) -> dict[str, Any]:
    """The assignee, the author or the manager marks a to-do done."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = load_project(s, actor, project_id, lock=True)
        task = s.get(ProjectTask, task_id)
        if task is None or task.project_id != project.id:
            raise NotFound("Задача не найдена")
        if task.kind != "todo":
            raise InvalidTransition("Эта задача закрывается сама: протоколом встречи или изменением проекта")
        if actor.login not in (task.assignee_login, task.created_by) and not may_manage(actor, project):
            raise NotPermitted("Отметить выполнение может исполнитель, автор или менеджер проекта")
        if task.done_at is not None:
            raise InvalidTransition("Задача уже выполнена")
        task.done_at, task.done_by = now, actor.login
        append_event(s, "project", project.id, now, actor.login, _role(actor), "task_done",
                     data={"task_id": task.id, "title": task.title})
        view = task_view(ctx, task, now)
        uow.commit()
        return view


def task_view(ctx: Context, t: ProjectTask, now: datetime) -> dict[str, Any]:
    return {"id": t.id, "project_id": t.project_id, "kind": t.kind, "title": t.title, "description": t.description,
            "assignee": t.assignee_login, "due_date": t.due_date, "meeting_id": t.meeting_id,
            "created_by": t.created_by, "created_at": t.created_at.astimezone(UTC),
            "done": t.done_at is not None, "done_at": t.done_at.astimezone(UTC) if t.done_at else None,
            "done_by": t.done_by, "overdue": t.done_at is None and local_today(ctx, now) > t.due_date}


def list_tasks(ctx: Context, actor: Actor, project_id: int) -> list[dict[str, Any]]:
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        load_project(uow.session, actor, project_id)
        rows = uow.session.scalars(select(ProjectTask).where(ProjectTask.project_id == project_id)
                                   .order_by(ProjectTask.done_at.is_not(None), ProjectTask.due_date, ProjectTask.id))
        return [task_view(ctx, t, now) for t in rows]


def my_tasks(ctx: Context, actor: Actor) -> list[dict[str, Any]]:
    """The caller's open project tasks (protocols, updates, to-dos), the earliest due first."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        rows = uow.session.execute(
            select(ProjectTask, Project.name).join(Project, Project.id == ProjectTask.project_id)
            .where(ProjectTask.assignee_login == actor.login, ProjectTask.done_at.is_(None))
            .order_by(ProjectTask.due_date, ProjectTask.id).limit(500))
        return [{**task_view(ctx, t, now), "project_name": name} for t, name in rows]


def stale_condition(now: datetime):
    """SQL: a support-path project (seed 000; Leningrad) whose information is older than its stage's cadence
    (item 4.3)."""
    updated = func.coalesce(Project.info_updated_at, Project.created_at)
    return and_(Project.pack.in_(support_packs()),
                or_(*[and_(Project.stage == s.code, updated < stale_before(s, now)) for s in STAGES]))


def stale_projects(session: Session, now: datetime) -> list[Project]:
    return list(session.scalars(select(Project).where(stale_condition(now)).order_by(Project.id)))


def refresh_project_cadence(ctx: Context, now: datetime | None = None) -> int:
    """The scheduler's sweep: one open update task per stale project with a manager (idempotent:
    a project that already has one gets no other; the unique (project, open_key) guards races).
    Returns how many tasks it created."""
    now = now or ctx.clock()
    created = 0
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        waiting = set(s.scalars(select(ProjectTask.project_id).where(ProjectTask.kind == "actualize",
                                                                     ProjectTask.done_at.is_(None))))
        for project in stale_projects(s, now):
            if project.id in waiting or not project.manager_login:
                continue
            if s.get_bind().dialect.name == "postgresql":  # one writer per project history chain
                s.execute(select(Project.id).where(Project.id == project.id).with_for_update())
            try:
                with s.begin_nested():
                    s.add(ProjectTask(project_id=project.id, kind="actualize", title=ACTUALIZE_TITLE,
                                      assignee_login=project.manager_login, due_date=local_today(ctx, now),
                                      open_key="actualize", created_by=SYSTEM, created_at=now))
                    s.flush()
            except IntegrityError:  # another sweep created it meanwhile
                continue
            updated = project.info_updated_at or project.created_at
            append_event(s, "project", project.id, now, SYSTEM, None, "actualize_requested",
                         data={"stage": project.stage, "info_updated_at": updated})
            s.add(Notification(recipient=project.manager_login, appeal_id=None, event="project_stale",
                               text=f"{ACTUALIZE_TITLE} «{project.name}»", created_at=now))
            created += 1
        uow.commit()
    return created
