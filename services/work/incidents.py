"""Incidents: timers whose handler failed, for the admins (API and the staff page)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.models import Incident, Timer
from services.context import Actor, Context
from services.errors import NotPermitted


def list_incidents(ctx: Context, actor: Actor, include_resolved: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    """Open incidents first (newest first), with the timer's state; admins only."""
    if not actor.has("admin"):
        raise NotPermitted("Инциденты видит только администратор")
    query = (select(Incident, Timer.state, Timer.due_at).join(Timer, Timer.id == Incident.timer_id)
             .order_by(Incident.resolved_at.is_not(None), Incident.id.desc()).limit(limit))
    if not include_resolved:
        query = query.where(Incident.resolved_at.is_(None))
    with ctx.db.unit_of_work() as uow:
        return [{"id": i.id, "appeal_id": i.appeal_id, "instance_id": i.instance_id, "timer_id": i.timer_id,
                 "kind": i.kind, "error": i.error, "attempts": i.attempts, "created_at": i.created_at,
                 "last_attempt_at": i.last_attempt_at, "next_attempt_at": i.next_attempt_at,
                 "resolved_at": i.resolved_at, "timer_state": state, "timer_due_at": due_at}
                for i, state, due_at in uow.session.execute(query)]
