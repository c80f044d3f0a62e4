"""What a process run asked for (service tasks) applied to the appeal, in the caller's transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.history import append_event
from engine.runtime import SYSTEM, RunResult

from .absences import route_new_tasks
from .appeals import FINAL
from .models import Appeal
from .notify import notify


def apply_run(session: Session, result: RunResult, now: datetime) -> Appeal | None:
    """Apply a run's effects (overdue escalation, closing without rating) and its new status; tasks
    assigned to someone away open in their substitute's inbox."""
    route_new_tasks(session, result.instance_id, now)
    if result.subject_type != "appeal":
        return None
    appeal = session.get(Appeal, result.subject_id)
    for effect in result.effects:
        if effect.operation == "escalate_overdue" and appeal.overdue_at is None:
            appeal.overdue_at = now
            notified = [x for x in (appeal.coordinator_login, appeal.head_login) if x]
            append_event(session, "appeal", appeal.id, now, SYSTEM, None, "overdue",
                         status_from=result.status_to, status_to=result.status_to,
                         data={"deadline": appeal.deadline.isoformat(), "notified": notified},
                         instance_id=appeal.instance_id)
            notify(session, notified, "overdue", appeal,
                   f"Просрочен срок ответа по обращению №{appeal.number}", now)
        elif effect.operation == "auto_close":
            appeal.rating = None
    appeal.status = result.status_to or appeal.status
    if result.completed or appeal.status in FINAL:
        appeal.closed_at = appeal.closed_at or now
    return appeal
