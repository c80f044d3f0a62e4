"""Admins' corrections of the production calendar, and the open appeals they move.

An override says what a day is: `working` (a decree made a weekend day working), `holiday` (a late
decree, a one-off day off) or `shortened` (a pre-holiday day: still a working day, it moves no
deadline). Creating or deleting one recalculates the deadline of every open appeal whose computation
window (received … current deadline) holds that day and whose deadline is still the computed one
(an approved extension is left alone): the new date goes to the appeal, to its process (the
`deadline_at` the BPMN deadline timer reads, through the engine, one replayable history event
`deadline_recalculated` with the old and new date) and to its SLA timers.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifiers.deadlines import compute_deadline
from services.appeals import sla
from services.appeals.effects import apply_run
from services.appeals.intake import end_of_day
from services.context import Actor, Context
from services.errors import NotFound, NotPermitted
from services.models import Appeal, CalendarOverride

KINDS = {"working": True, "holiday": False, "shortened": True}


def _require_admin(actor: Actor) -> None:
    if not actor.has("admin"):
        raise NotPermitted("Календарь правит только администратор")


def _view(o: CalendarOverride) -> dict[str, Any]:
    return {"date": o.day, "kind": o.kind, "working": o.working, "note": o.note}


def list_overrides(ctx: Context, actor: Actor) -> list[dict[str, Any]]:
    _require_admin(actor)
    with ctx.db.unit_of_work() as uow:
        return [_view(o) for o in uow.session.scalars(select(CalendarOverride).order_by(CalendarOverride.day))]


def set_override(ctx: Context, actor: Actor, day: date, kind: str = "holiday", note: str | None = None) -> dict[str, Any]:
    """Create or replace the override of a day (`kind` one of KINDS; checked by web/schemas_admin.py
    `CalendarOverrideIn`); returns it with the appeals whose deadline moved."""
    _require_admin(actor)
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        old_calendar = sla.calendar_for(ctx, s)
        row = s.get(CalendarOverride, day)
        if row is None:
            row = CalendarOverride(day=day)
            s.add(row)
        row.kind, row.working, row.note = kind, KINDS[kind], note
        s.flush()
        moved = _recalculate(ctx, s, actor, day, old_calendar, now, f"{kind}: {note}" if note else kind)
        result = {**_view(row), "recalculated": moved}
        uow.commit()
    return result


def delete_override(ctx: Context, actor: Actor, day: date) -> dict[str, Any]:
    """Remove the override of `day`; returns the appeals whose deadline moved back."""
    _require_admin(actor)
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        row = s.get(CalendarOverride, day)
        if row is None:
            raise NotFound("Для этой даты нет исправления календаря")
        old_calendar = sla.calendar_for(ctx, s)
        s.delete(row)
        s.flush()
        moved = _recalculate(ctx, s, actor, day, old_calendar, now, "deleted")
        uow.commit()
    return {"date": day, "deleted": True, "recalculated": moved}


def _recalculate(ctx: Context, s: Session, actor: Actor, day: date, old_calendar, now: datetime,
                 reason: str) -> list[dict[str, Any]]:
    """Move the deadlines of the open appeals the changed day falls into (received ≤ day ≤ deadline)."""
    new_calendar = sla.calendar_for(ctx, s)
    candidates = s.scalars(select(Appeal).where(
        Appeal.closed_at.is_(None), Appeal.answered_at.is_(None), Appeal.deadline >= day,
        Appeal.received_at <= end_of_day(ctx, day)).order_by(Appeal.id))
    moved = []
    for appeal in candidates:
        before = compute_deadline(ctx.classifier, appeal.fact_code, appeal.received_at, old_calendar, ctx.pack.timezone)
        if before.deadline != appeal.deadline:  # an approved extension or an earlier rule: not ours to move
            continue
        after = compute_deadline(ctx.classifier, appeal.fact_code, appeal.received_at, new_calendar, ctx.pack.timezone)
        if after.deadline == appeal.deadline:
            continue
        old = appeal.deadline
        appeal.deadline, appeal.deadline_at = after.deadline, end_of_day(ctx, after.deadline)
        change = {"deadline_from": old.isoformat(), "deadline_to": after.deadline.isoformat(),
                  "calendar_day": day.isoformat(), "reason": reason}
        if appeal.instance_id is not None:
            result = ctx.engine.set_data(s, appeal.instance_id,
                                         {"deadline": after.deadline.isoformat(),
                                          "deadline_at": appeal.deadline_at.isoformat()},
                                         actor.login, "admin", now, "deadline_recalculated", change)
            apply_run(s, result, now)  # an earlier deadline may already have passed: escalation at once
        sla.schedule(ctx, s, appeal, now, new_calendar)
        moved.append({"appeal_id": appeal.id, "number": appeal.number, "deadline_from": old,
                      "deadline_to": after.deadline})
    return moved
