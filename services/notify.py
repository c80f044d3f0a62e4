"""Notifications: one in-app row and one letter in the outbox per event and person, written in the
caller's transaction (the change and its notifications commit or roll back together).

`event_key` = "{event}:{appeal id}:{discriminator}:{login}" is unique in both tables, so the same
event never notifies one person twice (a retried request, a timer handled again). The discriminator
is the caller's `key` (a task uuid, a deadline) or else the id of the appeal's latest history event:
every change appends one, so two changes never share it, and one change notifying twice is one event.
Someone away (services/substitutes.py) is notified and so is whoever stands in for them.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.models import HistoryEvent

from .mail import render
from .models import Appeal, Notification, OutboxMessage, User
from .substitutes import substitutes_for


def notify(session: Session, recipients: list[str | None], event: str, appeal: Appeal | None, text: str,
           now: datetime | None = None, *, key: str | None = None) -> list[str]:
    """Notify each distinct login in `recipients` (and the substitute of one who is away) in-app and,
    when the user has an e-mail address, by a letter queued in the outbox; returns the logins notified
    this time (a repeated event notifies nobody). Without `now` the database's clock is used."""
    logins = list(dict.fromkeys(filter(None, recipients)))
    if not logins:
        return []
    now = now or _database_now(session)
    discriminator = key or _history_tip(session, appeal)
    targets = [(login, None) for login in logins]
    for absent, substitute in substitutes_for(session, logins, now).items():
        targets.append((substitute, absent))
    users = {u.login: u for u in session.scalars(select(User).where(User.login.in_({t[0] for t in targets} | set(logins))))}
    appeal_id = appeal.id if appeal is not None else None
    base = session.info.get("public_url", "").rstrip("/")
    notified = []
    for login, absent in targets:
        event_key = f"{event}:{appeal_id or '-'}:{discriminator}:{login}"[:300]
        absent_name = users[absent].name if absent in users else absent
        row_text = f"{text} (вы замещаете: {absent_name})" if absent else text
        if not _insert_once(session, Notification, dict(recipient=login, appeal_id=appeal_id, event=event,
                                                       text=row_text, created_at=now, event_key=event_key)):
            continue
        notified.append(login)
        user = users.get(login)
        if user is None or not user.email or not user.active:
            continue
        values = {"name": user.name, "text": text, "on_behalf_of": absent_name if absent else ""}
        if appeal is not None:
            values.update(number=appeal.number, appeal_subject=appeal.subject,
                          deadline=appeal.deadline.strftime("%d.%m.%Y") if appeal.deadline else "",
                          link=f"{base}/appeals/{appeal.id}")
        subject, body = render(event, values)
        _insert_once(session, OutboxMessage, dict(
            event_key=event_key, event=event, appeal_id=appeal_id, recipient=user.email, recipient_login=login,
            subject=subject, body=body, created_at=now, state="pending", attempts=0, next_attempt_at=now))
    return notified


def _insert_once(session: Session, model, values: dict) -> bool:
    """INSERT … ON CONFLICT (event_key) DO NOTHING; True when the row is new."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = model.__table__
    statement = (dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=["event_key"])
                 .returning(table.c.id))
    return session.execute(statement).scalar() is not None  # (rowcount is not reliable with psycopg here)


def _history_tip(session: Session, appeal: Appeal | None) -> str:
    if appeal is None:
        return "-"
    tip = session.scalar(select(func.max(HistoryEvent.id)).where(HistoryEvent.subject_type == "appeal",
                                                                 HistoryEvent.subject_id == appeal.id))
    return f"h{tip or 0}"


def _database_now(session: Session) -> datetime:
    value = session.scalar(select(func.current_timestamp()))
    if isinstance(value, str):  # SQLite: 'YYYY-MM-DD HH:MM:SS' in UTC
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

