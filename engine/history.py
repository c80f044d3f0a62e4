"""The append-only history: every fact with who, when, in which role, what changed."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from .models import HistoryEvent


def append_event(session: Session, subject_type: str, subject_id: int, at: datetime, actor: str,
                 role: str | None, action: str, *, task: str | None = None, status_from: str | None = None,
                 status_to: str | None = None, data: dict[str, Any] | None = None,
                 instance_id: int | None = None) -> None:
    """Append one event (a plain INSERT: events are never updated or deleted)."""
    session.execute(insert(HistoryEvent).values(
        subject_type=subject_type, subject_id=subject_id, at=at, actor=actor, role=role, action=action, task=task,
        status_from=status_from, status_to=status_to, data=_jsonable(data or {}), instance_id=instance_id))


def events_for(session: Session, subject_type: str, subject_id: int) -> list[HistoryEvent]:
    """A subject's history, oldest first."""
    return list(session.scalars(
        select(HistoryEvent).where(HistoryEvent.subject_type == subject_type,
                                   HistoryEvent.subject_id == subject_id).order_by(HistoryEvent.id)))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
