"""Time-driven steps: BPMN timers due (overdue escalation, closing unrated answers)."""
from __future__ import annotations

from datetime import datetime

from .context import Context
from .effects import apply_run
from .subjects import apply_other


def fire_due_timers(ctx: Context, now: datetime | None = None) -> int:
    """Fire every BPMN timer due at `now` and apply what the diagram asked for; returns how many runs."""
    now = now or ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        results = ctx.engine.fire_due_timers(s, now)
        for result in results:
            if result.subject_type == "appeal":
                apply_run(s, result, now)
            else:
                apply_other(s, result, now)
        uow.commit()
        return len(results)
