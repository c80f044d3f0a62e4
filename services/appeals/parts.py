"""Participants' parts of an appeal, each with its own deadline (seed 001 «участники системы
предоставляют ответ в срок до 7 дней», seed 002 «в течение 3-7 рабочих дней»).

When the agency routes or redirects an appeal to an organisation whose kind has a term in the pack
(`Pack.participant_terms`: ОИВ, ОМСУ, РСО, …), that organisation's part opens with its own deadline:
the term counted from the day it arrived (calendar or working days, the pack's production calendar
with the admins' overrides), never later than the appeal's deadline. A co-executor asked for its part
of the answer gets one too (kind `contribution`). The part closes when the organisation answers,
hands in its part or passes the appeal on. A `part_due` timer (the claimed sweep of
services/work/timers.py) marks a part still open after its deadline overdue, once, and escalates it
to the appeal's coordinator; the appeal itself is overdue only by its own deadline.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.history import append_event
from engine.inbox import LIVE
from engine.models import Timer
from engine.runtime import SYSTEM
from services.appeals.sla import appeal_of_timer, calendar_for
from services.context import Context
from services.models import Appeal, AppealPart, Organisation
from services.notify.writer import notify

TIMER_KIND = "part_due"
LATE = timedelta(seconds=1)  # the timer fires when the part's last second has passed
EXECUTION, CONTRIBUTION = "execution", "contribution"


def timer_key(part_id: int) -> str:
    return f"{TIMER_KIND}:{part_id}"


def open_part(ctx: Context, session: Session, appeal: Appeal, org: Organisation, kind: str,
              now: datetime) -> AppealPart | None:
    """Open `org`'s part if the pack gives its kind a term (else None) and arm its deadline timer."""
    term = ctx.pack.participant_terms.get(org.kind)
    if term is None or appeal.instance_id is None:
        return None
    today = now.astimezone(ctx.tz).date()
    due = max(today, min(term.after(today, calendar_for(ctx, session)), appeal.deadline))
    part = AppealPart(appeal_id=appeal.id, org_code=org.code, kind=kind, opened_at=now, due=due,
                      due_at=datetime.combine(due, time(23, 59, 59), ctx.tz))
    session.add(part)
    session.flush()  # the id keys the timer
    if part.due_at >= appeal.deadline_at:
        return part  # it ends with the appeal: the appeal's own overdue escalation tells the coordinator
    session.add(Timer(instance_id=appeal.instance_id, task_uuid=timer_key(part.id), bpmn_id=TIMER_KIND,
                      kind=TIMER_KIND, due_at=part.due_at + LATE, state="waiting", attempts=0))
    return part


def close_parts(session: Session, appeal: Appeal, org_code: str | None, how: str, now: datetime,
                kind: str | None = None) -> list[AppealPart]:
    """Close the open parts of `org_code` on the appeal (of one `kind`, or any) and cancel their timers."""
    query = select(AppealPart).where(AppealPart.appeal_id == appeal.id, AppealPart.closed_at.is_(None))
    if org_code is not None:
        query = query.where(AppealPart.org_code == org_code)
    if kind is not None:
        query = query.where(AppealPart.kind == kind)
    session.flush()  # parts and timers opened in this unit of work (autoflush is off)
    closed = list(session.scalars(query))
    for part in closed:
        part.closed_at, part.closed_how = now, how
    if closed:
        session.execute(update(Timer).where(Timer.task_uuid.in_([timer_key(p.id) for p in closed]),
                                            Timer.state.in_(LIVE))
                        .values(state="cancelled", claimed_by=None, claimed_until=None)
                        .execution_options(synchronize_session=False))
    return closed


def end_with_appeal(session: Session, appeal: Appeal, org_code: str, kind: str) -> None:
    """The open part of `org_code` lasts as long as the appeal (a lead agency that consolidates the others'
    parts answers last): its deadline becomes the appeal's and its own timer is cancelled."""
    session.flush()  # a part opened in this unit of work (autoflush is off)
    for part in session.scalars(select(AppealPart).where(AppealPart.appeal_id == appeal.id, AppealPart.org_code == org_code,
                                                         AppealPart.kind == kind, AppealPart.closed_at.is_(None))):
        part.due, part.due_at = appeal.deadline, appeal.deadline_at
        session.execute(update(Timer).where(Timer.task_uuid == timer_key(part.id), Timer.state.in_(LIVE))
                        .values(state="cancelled", claimed_by=None, claimed_until=None)
                        .execution_options(synchronize_session=False))


def is_late(part: AppealPart, now: datetime) -> bool:
    """A part is late when it closed after its deadline, or is still open past it."""
    return (part.closed_at or now) > part.due_at


def part_view(part: AppealPart, now: datetime) -> dict[str, Any]:
    return {"id": part.id, "org": part.org_code, "kind": part.kind, "opened_at": part.opened_at,
            "due": part.due, "due_at": part.due_at, "closed_at": part.closed_at, "closed_how": part.closed_how,
            "overdue": is_late(part, now), "overdue_at": part.overdue_at}


def parts_of(session: Session, appeal_ids: list[int], now: datetime) -> dict[int, list[dict[str, Any]]]:
    """The parts of each appeal, oldest first (every appeal id is a key)."""
    result: dict[int, list[dict[str, Any]]] = {i: [] for i in appeal_ids}
    if appeal_ids:
        for part in session.scalars(select(AppealPart).where(AppealPart.appeal_id.in_(appeal_ids))
                                    .order_by(AppealPart.id)):
            result[part.appeal_id].append(part_view(part, now))
    return result


def open_parts_by_org(session: Session, appeal_ids: list[int], now: datetime) -> dict[tuple[int, str], dict[str, Any]]:
    """The open parts of the appeals by (appeal id, organisation): what an inbox row of that organisation shows."""
    if not appeal_ids:
        return {}
    return {(p.appeal_id, p.org_code): part_view(p, now) for p in session.scalars(
        select(AppealPart).where(AppealPart.appeal_id.in_(appeal_ids), AppealPart.closed_at.is_(None))
        .order_by(AppealPart.id))}


def fire_due(ctx: Context, session: Session, instance_id: int, key: str, now: datetime) -> datetime | None:
    """The `part_due` timer: a part still open after its deadline is marked overdue and escalated to the
    coordinator (once); returns the due time again when it is not yet reached."""
    appeal = appeal_of_timer(session, instance_id)
    part = session.get(AppealPart, int(key.rpartition(":")[2]))
    if appeal is None or part is None or part.closed_at or part.overdue_at or appeal.closed_at:
        return None
    if now <= part.due_at:
        return part.due_at + LATE
    part.overdue_at = now
    name = session.scalar(select(Organisation.name).where(Organisation.code == part.org_code)) or part.org_code
    notified = notify(session, [appeal.coordinator_login], "escalation", appeal,
                      f"{name} не исполнил(а) свою часть по обращению №{appeal.number} "
                      f"в срок {part.due.strftime('%d.%m.%Y')}", now, key=timer_key(part.id))
    append_event(session, "appeal", appeal.id, now, SYSTEM, None, "part_overdue", status_from=appeal.status,
                 status_to=appeal.status, data={"org": part.org_code, "kind": part.kind, "due": part.due.isoformat(),
                                                "notified": notified}, instance_id=appeal.instance_id)
    return None
