"""Tables the engine owns: definitions, instances, inbox, timers, history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, UTCDateTime


class ProcessDefinition(Base):
    """One deployed version of a BPMN diagram or a DMN decision model (the XML is kept verbatim)."""

    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    xml: Mapped[str] = mapped_column(Text)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deployed_by: Mapped[str | None] = mapped_column(String(100))
    is_current: Mapped[bool] = mapped_column(default=True)
    kind: Mapped[str] = mapped_column(String(8), default="bpmn", server_default="bpmn")  # bpmn | dmn


class ProcessInstance(Base):
    """A running or finished process; `state` is the task tree without the spec."""

    __tablename__ = "process_instances"

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str | None] = mapped_column(String(40), index=True)
    completed: Mapped[bool] = mapped_column(default=False, index=True)
    state: Mapped[str] = mapped_column(Text)
    steps: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_instance_subject", "subject_type", "subject_id"),)


class InboxTask(Base):
    """A ready human task, synced after every engine run; inbox queries read only this."""

    __tablename__ = "inbox_tasks"
    # The inbox reads open rows only (partial indexes: a role's closed history is never read), by its
    # two halves: tasks named to someone, and the unassigned queue of an organisation's role; the done
    # tab reads a person's closed rows (migration 0018, docs/performance.md).
    __table_args__ = (
        Index("ix_inbox_open_assignee", "assignee", "due_at", "id",
              postgresql_where=text("state = 'open'"), sqlite_where=text("state = 'open'")),
        Index("ix_inbox_open_queue", "org_code", "role", "due_at", "id",
              postgresql_where=text("state = 'open' AND assignee IS NULL"),
              sqlite_where=text("state = 'open' AND assignee IS NULL")),
        Index("ix_inbox_closed_by", "closed_by", "state", "due_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(Integer, index=True)
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    bpmn_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(40), index=True)
    org_code: Mapped[str | None] = mapped_column(String(64), index=True)
    assignee: Mapped[str | None] = mapped_column(String(100), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    state: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    closed_action: Mapped[str | None] = mapped_column(String(40))
    delegated_from: Mapped[str | None] = mapped_column(String(100))  # the absent assignee a substitute acts for


class Timer(Base):
    """A timer the scheduler fires: a BPMN timer event (`kind` "bpmn") or a service timer on the
    subject (SLA warning, overdue). Sweeps read due rows by (`state`, `due_at`) and claim them with a
    lease (`claimed_by`, `claimed_until`) so several scheduler processes never fire one twice.

    States: waiting → claimed → done; a failing handler → retry (claimed again after
    `claimed_until`, the back-off); cancelled when the subject no longer needs it.
    """

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timer_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    bpmn_id: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default="waiting")
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20), default="bpmn", server_default="bpmn")
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Incident(Base):
    """A timer whose handler failed: kept for admins until a retry succeeds (`resolved_at`)."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incident_open", "resolved_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    timer_id: Mapped[int] = mapped_column(ForeignKey("timers.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(Integer)
    appeal_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HistoryEvent(Base):
    """Append-only log: who did what, when, in which role, what changed.

    `prev_hash`/`hash` chain the rows of one subject (engine/audit.py); `replay` is what the
    engine needs to rerun the step (engine/replay.py), NULL for events the engine did not run.
    """

    __tablename__ = "history_events"
    __table_args__ = (Index("ix_history_subject", "subject_type", "subject_id", "id"),
                      # a fork of a chain (two rows claiming the same predecessor) is refused
                      Index("ux_history_chain", "subject_type", "subject_id", "prev_hash", unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    instance_id: Mapped[int | None] = mapped_column(Integer, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    task: Mapped[str | None] = mapped_column(String(100))
    status_from: Mapped[str | None] = mapped_column(String(40))
    status_to: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    replay: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    # `public` (the investor sees it) or `internal` (staff only); not hashed (docs/audit.md)
    visibility: Mapped[str] = mapped_column(String(10), default="public", server_default="public")
