"""Kazakhstan investment projects (seed 003 chapters 3–4): initiative, passport, roadmap approval,
verification, implementation, item 31 suspension, post-investment monitoring.

The route is `workflows/bpmn/kazakhstan/kz_project.bpmn` (subject type `kz_project`, the row lives in
`projects` with pack 'kazakhstan'); this module applies each step's domain side (keyed by the
task's `step` and the action, packs/kazakhstan/steps.py) and computes every deadline on the KZ
production calendar.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifiers.calendar import ProductionCalendar
from engine.history import append_event
from engine.runtime import SYSTEM, RunResult
from packs.kazakhstan.region import COUNTRY, TZ
from packs.kazakhstan.status import KZ_FINAL, STAGE_OF
from packs.kazakhstan.views import project_view
from services.context import Actor, Context
from services.models import CalendarOverride, Project
from services.steps import StepCall

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


def complete(ctx: Context, s: Session, actor: Actor, task, spec, action: str, fields: dict[str, Any],
             now: datetime) -> dict[str, Any]:
    """The subject handler of `kz_project` tasks (services/subjects.py)."""
    project = s.get(Project, task.subject_id)
    call = StepCall(ctx, s, actor, project, spec.step, action, spec.role, fields, now,
                    details=dict(project.details or {}))
    ctx.steps.apply(call)  # the step's handler of the action (packs/kazakhstan/steps.py)
    project.details = call.details
    project.info_updated_at = now
    extra, history = call.extra, call.history
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

