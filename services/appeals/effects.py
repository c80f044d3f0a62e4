"""What a process run asked for (service tasks) applied to the appeal, in the caller's transaction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.history import append_event
from engine.runtime import SYSTEM, RunResult
from services.appeals import sla
from services.appeals.appeal import FINAL
from services.models import Appeal
from services.notify.writer import notify
from services.visibility import INTERNAL
from services.work.absences import route_new_tasks


def apply_run(session: Session, result: RunResult, now: datetime) -> Appeal | None:
    """Apply a run's effects (overdue escalation, closing without rating) and its new status; tasks
    assigned to someone away open in their substitute's inbox."""
    route_new_tasks(session, result.assigned, now)
    if result.subject_type != "appeal":
        return None
    appeal = session.get(Appeal, result.subject_id)
    for effect in result.effects:
        if effect.operation == "escalate_overdue":
            sla.mark_overdue(session, appeal, now, result.status_to)
        elif effect.operation == "escalate_first_late":  # Moscow: no first response on the receipt day
            append_event(session, "appeal", appeal.id, now, SYSTEM, None, "first_response_overdue",
                         status_from=result.status_to, status_to=result.status_to,
                         data={"manager": appeal.manager_login, "executor_org": appeal.executor_org},
                         instance_id=appeal.instance_id, visibility=INTERNAL)
            notify(session, [appeal.coordinator_login, appeal.head_login], "first_response_overdue", appeal,
                   f"Не дан первичный ответ по обращению №{appeal.number}", now, visibility=INTERNAL)
        elif effect.operation == "auto_close":  # investor silence: the answer's outcome stands
            appeal.rating = None
            append_event(session, "appeal", appeal.id, now, SYSTEM, None, "closed_by_system",
                         status_from=result.status_to, status_to=result.status_to,
                         data={"reason": "rating_period_expired", "outcome": appeal.outcome,
                               "answered_at": appeal.answered_at.isoformat() if appeal.answered_at else None},
                         instance_id=appeal.instance_id)
    appeal.status = result.status_to or appeal.status
    if result.completed or appeal.status in FINAL:
        appeal.closed_at = appeal.closed_at or now
        sla.cancel(session, appeal)
    return appeal
