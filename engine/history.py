"""The append-only history: every fact with who, when, in which role, what changed.

Rows of one subject form a hash chain (engine/audit.py): appending reads the hash of the subject's
latest row (one indexed query) and stores it as `prev_hash`. Appends to one subject must not
interleave: SQLite writers are serialized by BEGIN IMMEDIATE; on PostgreSQL the engine's callers
hold the instance row (`SELECT … FOR UPDATE`), and appends outside an engine run (comments, files)
take the same lock with `lock_chain`. A fork that slips through anyway is refused by the unique
index on (subject, prev_hash) and surfaces as `ConcurrentUpdate`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .audit import event_hash
from .errors import ConcurrentUpdate
from .models import HistoryEvent, ProcessInstance

_TIP = (select(HistoryEvent.hash).where(HistoryEvent.subject_type == bindparam("subject_type"),
                                        HistoryEvent.subject_id == bindparam("subject_id"))
        .order_by(HistoryEvent.id.desc()).limit(1))
_INSERT = HistoryEvent.__table__.insert()  # built once: a completion appends one event


def append_event(session: Session, subject_type: str, subject_id: int, at: datetime, actor: str,
                 role: str | None, action: str, *, task: str | None = None, status_from: str | None = None,
                 status_to: str | None = None, data: dict[str, Any] | None = None,
                 instance_id: int | None = None, replay: dict[str, Any] | None = None,
                 visibility: str = "public") -> None:
    """Append one event, chained to the subject's previous one (a plain INSERT: events are never
    updated or deleted; on PostgreSQL a trigger refuses both). `visibility` (`public`, `internal`: staff
    only) is stored beside the hashed content, not in it."""
    prev_hash = session.scalar(_TIP, {"subject_type": subject_type, "subject_id": subject_id})
    values = dict(subject_type=subject_type, subject_id=subject_id, at=at, actor=actor, role=role, action=action,
                  task=task, status_from=status_from, status_to=status_to, data=_jsonable(data or {}),
                  instance_id=instance_id, replay=_jsonable(replay) if replay is not None else None,
                  prev_hash=prev_hash)
    values["hash"] = event_hash(values)
    values["visibility"] = visibility
    try:
        session.execute(_INSERT, values)
    except IntegrityError as err:  # two appends claimed the same predecessor
        raise ConcurrentUpdate("История изменена параллельно, повторите действие") from err


def append_events(session: Session, events: list[dict[str, Any]]) -> None:
    """Append one event to each of several subjects in two statements (a sweep escalating many appeals):
    one query reads every chain tip, one INSERT writes the rows. The callers hold the subjects'
    instance rows as for `append_event`; one event per subject."""
    if not events:
        return
    subject_type = events[0]["subject_type"]
    ids = [e["subject_id"] for e in events]
    if len(set(ids)) != len(ids) or any(e["subject_type"] != subject_type for e in events):
        raise ValueError("append_events takes one event per subject of one type")
    latest = (select(func.max(HistoryEvent.id)).where(HistoryEvent.subject_type == subject_type,
                                                      HistoryEvent.subject_id.in_(ids))
              .group_by(HistoryEvent.subject_id))
    tips = dict(session.execute(select(HistoryEvent.subject_id, HistoryEvent.hash)
                                .where(HistoryEvent.id.in_(latest.scalar_subquery()))).all())
    rows = []
    for e in events:
        values = dict(subject_type=subject_type, subject_id=e["subject_id"], at=e["at"], actor=e["actor"],
                      role=e.get("role"), action=e["action"], task=e.get("task"), status_from=e.get("status_from"),
                      status_to=e.get("status_to"), data=_jsonable(e.get("data") or {}),
                      instance_id=e.get("instance_id"), replay=None, prev_hash=tips.get(e["subject_id"]))
        values["hash"] = event_hash(values)
        values["visibility"] = e.get("visibility", "public")
        rows.append(values)
    try:
        session.execute(insert(HistoryEvent), rows)
    except IntegrityError as err:
        raise ConcurrentUpdate("История изменена параллельно, повторите действие") from err


def lock_chain(session: Session, instance_id: int | None) -> None:
    """Before appending outside an engine run: on PostgreSQL, hold the subject's instance row, the
    lock every engine step takes, so two appends never read the same chain tip."""
    if instance_id is not None and session.get_bind().dialect.name == "postgresql":
        session.execute(select(ProcessInstance.id).where(ProcessInstance.id == instance_id).with_for_update())


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
