"""Time-driven steps: BPMN timers due (overdue escalation, closing unrated answers)."""
from __future__ import annotations

from datetime import datetime

from engine.history import append_event
from engine.runtime import SYSTEM

from .actions import _notify
from .appeals import FINAL
from .context import Context
from .models import Appeal


def fire_due_timers(ctx: Context, now: datetime | None = None) -> int:
    """Fire every BPMN timer due at `now` and apply what the diagram asked for; returns how many runs."""
    now = now or ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        results = ctx.engine.fire_due_timers(s, now)
        for result in results:
            if result.subject_type != "appeal":
                continue
            appeal = s.get(Appeal, result.subject_id)
            for effect in result.effects:
                if effect.operation == "escalate_overdue" and appeal.overdue_at is None:
                    appeal.overdue_at = now
                    append_event(s, "appeal", appeal.id, now, SYSTEM, None, "overdue",
                                 status_from=appeal.status, status_to=appeal.status,
                                 data={"deadline": appeal.deadline.isoformat(),
                                       "notified": [x for x in (appeal.coordinator_login, appeal.head_login) if x]},
                                 instance_id=appeal.instance_id)
                    _notify(s, [appeal.coordinator_login, appeal.head_login], appeal, "overdue",
                            f"Просрочен срок ответа по обращению №{appeal.number}", now)
                elif effect.operation == "auto_close":
                    appeal.rating = None
            appeal.status = result.status_to or appeal.status
            if result.completed or appeal.status in FINAL:
                appeal.closed_at = appeal.closed_at or now
        uow.commit()
        return len(results)
