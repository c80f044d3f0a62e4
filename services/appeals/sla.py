"""SLA timers of an appeal: the warning before the deadline and the moment it turns overdue.

Both are rows of the `timers` table (kinds `sla_warning` and `overdue`, one of each per appeal, keyed
`<kind>:<appeal id>`), fired by the same claimed sweep as the BPMN timers (services/timers.py), so
they fire once however many scheduler processes run. `schedule` (re)arms them whenever the deadline
is set or moves (intake, approved extension, calendar override, rework); the handlers re-check the
appeal when they fire, so a stale timer is a no-op or re-arms itself.

"Overdue" stays derived (appeals.is_overdue: deadline and clock); the `overdue` history event and
the escalation to the coordinator and the head are recorded once, by whichever comes first: this
timer or the BPMN deadline boundary timer (effects.apply_run), both through `mark_overdue`.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from classifiers.calendar import ProductionCalendar
from engine.history import append_event, append_events
from engine.inbox import LIVE
from engine.models import ProcessInstance, Timer
from engine.runtime import SYSTEM
from services.context import Context
from services.models import Appeal, CalendarOverride
from services.notify.writer import Notice, notify, notify_many
from services.visibility import INTERNAL

KINDS = ("sla_warning", "overdue")


def calendar_for(ctx: Context, session: Session) -> ProductionCalendar:
    """The pack's production calendar with the admins' overrides."""
    return ctx.pack.calendar({o.day: o.working for o in session.scalars(select(CalendarOverride))})


def warning_day(calendar: ProductionCalendar, deadline: date, working_days: int) -> date | None:
    """The day from whose start `working_days` working days remain until the deadline (the deadline day
    counts when it is a working day); None when warnings are off."""
    if working_days <= 0:
        return None
    day = deadline
    left = 1 if calendar.is_working_day(deadline) else 0
    while left < working_days:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            left += 1
    return day


def warning_at(ctx: Context, calendar: ProductionCalendar, appeal: Appeal) -> datetime | None:
    day = warning_day(calendar, appeal.deadline, ctx.settings.sla_warning_working_days)
    return datetime.combine(day, time(0, 0), ctx.tz) if day else None


def timer_key(kind: str, appeal_id: int) -> str:
    return f"{kind}:{appeal_id}"


def schedule(ctx: Context, session: Session, appeal: Appeal, now: datetime,
             calendar: ProductionCalendar | None = None) -> None:
    """Arm or move the appeal's SLA timers to its current deadline (open, unanswered appeals only).

    A timer that already fired is armed again only for a deadline still ahead (an extension after a
    warning warns again before the new date; an appeal no longer late loses its `overdue_at`)."""
    if appeal.instance_id is None or appeal.closed_at is not None:
        return
    rows = {r.task_uuid: r for r in session.scalars(
        select(Timer).where(Timer.task_uuid.in_([timer_key(k, appeal.id) for k in KINDS])))}
    wanted: dict[str, datetime | None] = {"overdue": appeal.deadline_at,
                                          "sla_warning": warning_at(ctx, calendar or calendar_for(ctx, session), appeal)}
    if appeal.answered_at is not None:
        wanted = {"overdue": None, "sla_warning": None}
    for kind, due in wanted.items():
        row = rows.get(timer_key(kind, appeal.id))
        if due is None or (kind == "sla_warning" and appeal.deadline_at <= now):
            if row is not None and row.state in LIVE:
                row.state = "cancelled"
            continue
        if row is None:
            if kind == "overdue" and appeal.overdue_at is not None:
                continue  # escalated already (a late registration)
            session.add(Timer(instance_id=appeal.instance_id, task_uuid=timer_key(kind, appeal.id), bpmn_id=kind,
                              kind=kind, due_at=due, state="waiting", attempts=0))
        elif row.state in LIVE:
            row.due_at = due
        elif appeal.deadline_at > now:  # fired or cancelled for an earlier deadline
            row.due_at, row.state, row.fired_at = due, "waiting", None
            if kind == "overdue":
                appeal.overdue_at = None


def cancel(session: Session, appeal: Appeal) -> None:
    """A closed appeal needs no SLA timers."""
    session.execute(update(Timer).where(Timer.task_uuid.in_([timer_key(k, appeal.id) for k in KINDS]),
                                        Timer.state.in_(LIVE))
                    .values(state="cancelled", claimed_by=None, claimed_until=None)
                    .execution_options(synchronize_session=False))


def mark_overdue(session: Session, appeal: Appeal, now: datetime, status: str | None,
                 close_timers: bool = True) -> bool:
    """Record once that the appeal turned overdue and escalate to its coordinator and head
    (`close_timers`: the SLA timers still waiting are spent; the overdue timer's own handler skips it)."""
    if appeal.overdue_at is not None:
        return False
    appeal.overdue_at = now
    if close_timers:
        session.execute(update(Timer).where(Timer.task_uuid.in_([timer_key(k, appeal.id) for k in KINDS]),
                                            Timer.state.in_(("waiting", "retry")))
                        .values(state="done", fired_at=now).execution_options(synchronize_session=False))
    notified = [x for x in dict.fromkeys((appeal.coordinator_login, appeal.head_login)) if x]
    append_event(session, "appeal", appeal.id, now, SYSTEM, None, "overdue", status_from=status, status_to=status,
                 data={"deadline": appeal.deadline.isoformat(), "notified": notified}, instance_id=appeal.instance_id,
                 visibility=INTERNAL)  # an escalation among staff
    notify(session, notified, "overdue", appeal, f"Просрочен срок ответа по обращению №{appeal.number}", now,
           visibility=INTERNAL)
    return True


def appeal_of_timer(session: Session, instance_id: int) -> Appeal | None:
    """The appeal a timer belongs to; its instance row is held (PostgreSQL) so history appends do not interleave."""
    query = (select(Appeal).join(ProcessInstance, ProcessInstance.subject_id == Appeal.id)
             .where(ProcessInstance.id == instance_id, ProcessInstance.subject_type == "appeal"))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=ProcessInstance)
    return session.scalars(query).first()


def fire_overdue(ctx: Context, session: Session, instance_id: int, now: datetime) -> datetime | None:
    """The `overdue` timer: returns a new due time when the deadline moved later meanwhile."""
    appeal = appeal_of_timer(session, instance_id)
    if appeal is None or appeal.closed_at or appeal.answered_at or appeal.overdue_at:
        return None
    if now <= appeal.deadline_at:
        return appeal.deadline_at
    mark_overdue(session, appeal, now, appeal.status, close_timers=False)
    return None


def fire_overdue_many(ctx: Context, session: Session, instance_ids: list[int], now: datetime) -> dict[int, datetime | None]:
    """`fire_overdue` for a chunk of timers in a few statements (the sweep's fast path): the same
    checks, one `overdue` event per appeal (appended in one statement), the same notifications.
    Returns, by instance, a new due time for the timers to re-arm, else None."""
    query = (select(Appeal).join(ProcessInstance, ProcessInstance.subject_id == Appeal.id)
             .where(ProcessInstance.id.in_(instance_ids), ProcessInstance.subject_type == "appeal")
             .order_by(ProcessInstance.id))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=ProcessInstance)
    result: dict[int, datetime | None] = dict.fromkeys(instance_ids)
    late = []
    for appeal in session.scalars(query):
        if appeal.closed_at or appeal.answered_at or appeal.overdue_at:
            continue
        if now <= appeal.deadline_at:
            result[appeal.instance_id] = appeal.deadline_at
            continue
        late.append(appeal)
    events = []
    for appeal in late:
        appeal.overdue_at = now
        notified = [x for x in dict.fromkeys((appeal.coordinator_login, appeal.head_login)) if x]
        events.append(dict(subject_type="appeal", subject_id=appeal.id, at=now, actor=SYSTEM, action="overdue",
                           status_from=appeal.status, status_to=appeal.status, instance_id=appeal.instance_id,
                           data={"deadline": appeal.deadline.isoformat(), "notified": notified},
                           visibility=INTERNAL))
    append_events(session, events)
    notify_many(session, [Notice(event["data"]["notified"], "overdue", appeal,  # in-app rows and letters
                                 f"Просрочен срок ответа по обращению №{appeal.number}", visibility=INTERNAL)
                          for appeal, event in zip(late, events, strict=True)], now)
    return result


def fire_warning(ctx: Context, session: Session, instance_id: int, now: datetime) -> datetime | None:
    """The `sla_warning` timer: history event and in-app notice to the executor and the coordinator."""
    appeal = appeal_of_timer(session, instance_id)
    if appeal is None or appeal.closed_at or appeal.answered_at or now > appeal.deadline_at:
        return None
    calendar = calendar_for(ctx, session)
    due = warning_at(ctx, calendar, appeal)
    if due is None:
        return None
    if now < due:
        return due
    left = calendar.working_days_between(now.astimezone(ctx.tz).date() - timedelta(days=1), appeal.deadline)
    notified = notify(session, [appeal.manager_login, appeal.coordinator_login], "sla_warning", appeal,
                      f"До срока ответа по обращению №{appeal.number} осталось рабочих дней: {left} "
                      f"(срок {appeal.deadline.strftime('%d.%m.%Y')})", now, visibility=INTERNAL)
    append_event(session, "appeal", appeal.id, now, SYSTEM, None, "sla_warning", status_from=appeal.status,
                 status_to=appeal.status, data={"deadline": appeal.deadline.isoformat(), "working_days_left": left,
                                                "notified": notified}, instance_id=appeal.instance_id,
                 visibility=INTERNAL)
    return None
