"""In-app notifications: the one function every event goes through (e-mail hooks in here)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from .models import Appeal, Notification


def notify(session: Session, recipients: Iterable[str | None], event: str, appeal: Appeal | None, text: str,
           now: datetime) -> list[str]:
    """One in-app notification per distinct recipient (empty logins skipped), in the caller's
    transaction; returns the logins notified."""
    logins = list(dict.fromkeys(filter(None, recipients)))
    for login in logins:
        session.add(Notification(recipient=login, appeal_id=appeal.id if appeal else None, event=event, text=text,
                                 created_at=now))
    return logins
