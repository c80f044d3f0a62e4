"""Each user's in-app notifications: the list (unread first), marking read, the unread count."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update

from services.context import Actor, Context
from services.errors import NotFound
from services.models import Appeal, Notification


def list_notifications(ctx: Context, actor: Actor, unread_only: bool = False, limit: int = 100,
                       offset: int = 0) -> dict[str, Any]:
    """The actor's notifications, unread first, newest first within each group."""
    with ctx.db.reading() as uow:
        s = uow.session
        query = (select(Notification, Appeal.number, Appeal.subject)
                 .outerjoin(Appeal, Appeal.id == Notification.appeal_id)
                 .where(Notification.recipient == actor.login))
        if unread_only:
            query = query.where(Notification.read_at.is_(None))
        query = query.order_by(Notification.read_at.is_not(None), Notification.id.desc()).limit(limit).offset(offset)
        items = [{"id": n.id, "event": n.event, "text": n.text, "appeal_id": n.appeal_id, "appeal_number": number,
                  "appeal_subject": subject, "created_at": n.created_at, "read_at": n.read_at, "read": n.read_at is not None}
                 for n, number, subject in s.execute(query)]
        return {"items": items, "unread": unread_count(s, actor.login)}


def unread_count(session, login: str) -> int:
    return session.scalar(select(func.count(Notification.id)).where(Notification.recipient == login,
                                                                    Notification.read_at.is_(None))) or 0


def count_unread(ctx: Context, actor: Actor) -> int:
    with ctx.db.unit_of_work() as uow:
        return unread_count(uow.session, actor.login)


def mark_read(ctx: Context, actor: Actor, notification_id: int) -> dict[str, Any]:
    """Mark one of the actor's notifications read (again is harmless); 404 for someone else's."""
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        row = uow.session.get(Notification, notification_id)
        if row is None or row.recipient != actor.login:
            raise NotFound("Уведомление не найдено")
        row.read_at = row.read_at or now
        result = {"id": row.id, "read_at": row.read_at}
        uow.commit()
        return result


def mark_all_read(ctx: Context, actor: Actor) -> dict[str, Any]:
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        count = uow.session.execute(
            update(Notification).where(Notification.recipient == actor.login, Notification.read_at.is_(None))
            .values(read_at=now).execution_options(synchronize_session=False)).rowcount
        uow.commit()
        return {"marked": count}
