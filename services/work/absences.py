"""Absences and substitutes (issue 5): a user away names a colleague; tasks and notifications follow.

While an absence runs, a task the process assigns to the absent user opens in the substitute's inbox
(`inbox_tasks.delegated_from` keeps whose it is); `handover` moves the user's open tasks in bulk and
records a `tasks_handed_over` event in each affected appeal's history; what the substitute then does
is recorded "on behalf of" the absent user (services/actions.py). Cancelling an absence gives the
tasks still open back to their owner.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from engine.history import append_event, lock_chain
from engine.inbox import Assigned
from engine.models import InboxTask
from services.context import Actor, Context
from services.errors import NotFound, NotPermitted, ValidationFailed
from services.models import Absence, Appeal, User
from services.notify.new_work import handled
from services.notify.writer import copied, notify
from services.visibility import INTERNAL
from services.work.substitutes import substitutes_for

MAX_DAYS = 366


def _target(session: Session, actor: Actor, login: str) -> User:
    """The user whose absences are meant: 'me' or the actor's own login; an admin may name anyone."""
    login = actor.login if login in ("me", actor.login) else login
    if login != actor.login and not actor.has("admin"):
        raise NotPermitted("Отсутствия другого пользователя ведёт администратор")
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise NotFound("Пользователь не найден")
    return user


def view(absence: Absence, now: datetime) -> dict[str, Any]:
    return {"id": absence.id, "login": absence.login, "starts_on": absence.starts_on, "ends_on": absence.ends_on,
            "substitute": absence.substitute, "note": absence.note, "created_by": absence.created_by,
            "active": absence.starts_at <= now < absence.ends_at}


def list_absences(ctx: Context, actor: Actor, login: str = "me") -> dict[str, Any]:
    """The user's absences (newest first) and the absences in which the user stands in for someone."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        user = _target(s, actor, login)
        own = s.scalars(select(Absence).where(Absence.login == user.login).order_by(Absence.starts_on.desc()))
        covering = s.scalars(select(Absence).where(Absence.substitute == user.login, Absence.ends_at > now)
                             .order_by(Absence.starts_on))
        return {"items": [view(a, now) for a in own], "covering": [view(a, now) for a in covering]}


def add_absence(ctx: Context, actor: Actor, body: dict[str, Any], login: str = "me") -> dict[str, Any]:
    """Record an absence: `starts_on`, `ends_on` (inclusive), `substitute` (a colleague of the same
    organisation), optional `note`. Periods of one user may not overlap. `body` as
    web/schemas_admin.py `AbsenceIn` loads it (the period's order and length checked there)."""
    now = ctx.clock()
    starts_on, ends_on, substitute, note = body["starts_on"], body["ends_on"], body["substitute"], body.get("note")
    if ends_on < now.astimezone(ctx.tz).date():
        raise ValidationFailed("Отсутствие не записано: проверьте поля", {"ends_on": ["период уже закончился"]})
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        user = _target(s, actor, login)
        other = s.scalar(select(User).where(User.login == substitute))
        if other is None or not other.active:
            raise ValidationFailed("Замещающий не найден", {"substitute": [f"нет пользователя '{substitute}'"]})
        if other.login == user.login:
            raise ValidationFailed("Нельзя замещать самого себя", {"substitute": ["выберите другого сотрудника"]})
        if other.org_code != user.org_code:
            raise ValidationFailed("Замещающий — из другой организации",
                                   {"substitute": ["замещать может сотрудник своей организации"]})
        starts_at = datetime.combine(starts_on, time(0), ctx.tz)
        ends_at = datetime.combine(ends_on + timedelta(days=1), time(0), ctx.tz)
        clash = s.scalar(select(Absence).where(Absence.login == user.login, Absence.starts_at < ends_at,
                                               Absence.ends_at > starts_at))
        if clash is not None:
            raise ValidationFailed("Период пересекается с уже записанным отсутствием",
                                   {"starts_on": [f"уже записано: {clash.starts_on:%d.%m.%Y}–{clash.ends_on:%d.%m.%Y}"]})
        absence = Absence(login=user.login, starts_on=starts_on, ends_on=ends_on, starts_at=starts_at, ends_at=ends_at,
                          substitute=other.login, note=note, created_by=actor.login, created_at=now)
        s.add(absence)
        s.flush()
        result = view(absence, now)
        uow.commit()
        return result


def _owned(session: Session, actor: Actor, login: str, absence_id: int) -> Absence:
    user = _target(session, actor, login)
    absence = session.get(Absence, absence_id)
    if absence is None or absence.login != user.login:
        raise NotFound("Отсутствие не найдено")
    return absence


def delete_absence(ctx: Context, actor: Actor, absence_id: int, login: str = "me") -> dict[str, Any]:
    """Cancel an absence; the substitute's open tasks taken over for it go back to the owner."""
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        absence = _owned(s, actor, login, absence_id)
        theirs = (InboxTask.state == "open", InboxTask.delegated_from == absence.login,
                  InboxTask.assignee == absence.substitute)
        for instance_id in sorted(set(s.scalars(select(InboxTask.instance_id).where(*theirs))) - {None}):
            lock_chain(s, instance_id)  # instances first, in id order, as a handover does
        tasks = list(s.scalars(select(InboxTask).where(*theirs).order_by(InboxTask.id)))
        returned = s.execute(update(InboxTask).where(InboxTask.id.in_([t.id for t in tasks]), *theirs)
                             .values(assignee=absence.login, delegated_from=None)
                             .execution_options(synchronize_session=False)).rowcount
        _record_moved(s, actor, "tasks_returned", absence.substitute, absence.login, tasks, ctx.clock())
        s.delete(absence)
        uow.commit()
        return {"deleted": absence_id, "tasks_returned": returned}


def handover(ctx: Context, actor: Actor, absence_id: int, login: str = "me") -> dict[str, Any]:
    """Hand every open task assigned to the absent user over to the substitute at once."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        absence = _owned(s, actor, login, absence_id)
        if absence.ends_at <= now:
            raise ValidationFailed("Отсутствие уже закончилось", {"absence": ["передать задачи нельзя"]})
        mine = (InboxTask.state == "open", InboxTask.assignee == absence.login)
        for instance_id in sorted(set(s.scalars(select(InboxTask.instance_id).where(*mine))) - {None}):
            lock_chain(s, instance_id)  # instances first, in id order, as engine steps and the timer sweep
        tasks = list(s.scalars(select(InboxTask).where(*mine).order_by(InboxTask.id)))  # re-read under the locks
        _delegate(s, tasks, {absence.login: absence.substitute}, now)
        _record_moved(s, actor, "tasks_handed_over", absence.login, absence.substitute, tasks, now)
        uow.commit()
        return {"absence_id": absence.id, "substitute": absence.substitute, "tasks": [t.id for t in tasks]}


def _record_moved(session: Session, actor: Actor, action: str, owner: str, receiver: str, tasks: list[InboxTask],
                  now: datetime) -> None:
    """One event per appeal whose tasks moved (`tasks_handed_over` to the substitute, `tasks_returned` to
    the owner when the absence is cancelled): who did it, from whom, to whom, which tasks. Not an engine
    step (no replay record): replay and audit pass over it like a comment. The caller holds the appeals'
    instance rows (`lock_chain`), so each append reads a settled chain tip."""
    by_appeal: dict[int, list[int]] = {}
    for task in tasks:
        if task.subject_type == "appeal":
            by_appeal.setdefault(task.subject_id, []).append(task.id)
    for appeal in session.scalars(select(Appeal).where(Appeal.id.in_(by_appeal)).order_by(Appeal.id)):
        append_event(session, "appeal", appeal.id, now, actor.login, None, action,
                     status_from=appeal.status, status_to=appeal.status, instance_id=appeal.instance_id,
                     data={"from": owner, "to": receiver, "tasks": sorted(by_appeal[appeal.id])}, visibility=INTERNAL)


def route_new_tasks(session: Session, assigned: list[Assigned], now: datetime) -> None:
    """After an engine run: a task assigned to someone away (the run's open, named, undelegated inbox rows,
    `RunResult.assigned`) opens in the substitute's inbox. One query when somebody is named, none otherwise."""
    if assigned:
        _delegate(session, assigned, substitutes_for(session, [t.assignee for t in assigned], now), now)


def _delegate(session: Session, tasks: list[InboxTask] | list[Assigned], substitutes: dict[str, str],
              now: datetime) -> None:
    for task in tasks:
        substitute = substitutes.get(task.assignee)
        if substitute is None:
            continue
        owner = task.assignee
        session.execute(update(InboxTask).where(and_(
            InboxTask.instance_id == task.instance_id, InboxTask.task_uuid == task.task_uuid,
            InboxTask.state == "open", InboxTask.assignee == owner))
                        .values(assignee=substitute, delegated_from=owner)
                        .execution_options(synchronize_session=False))
        appeal = session.get(Appeal, task.subject_id) if task.subject_type == "appeal" else None
        if appeal is not None and copied(session, "task_assigned", appeal.id, substitute) \
                or handled(session, task.task_uuid):
            continue  # told already (the copy of the owner's notice), or the run's new-work notice decided
        notify(session, [substitute], "task_assigned", appeal,
               f"«{task.title}» (вместо {owner})", now, key=f"t{task.task_uuid}")


def colleagues(ctx: Context, actor: Actor) -> list[tuple[str, str]]:
    """Who may stand in for the actor: the active users of the actor's organisation, by name."""
    with ctx.db.unit_of_work() as uow:
        return [(u.login, u.name) for u in uow.session.scalars(
            select(User).where(User.org_code == actor.org_code, User.active.is_(True), User.login != actor.login)
            .order_by(User.name))]
