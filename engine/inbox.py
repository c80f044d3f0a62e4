"""Keep the inbox and timer tables in step with the workflow after each run."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import InboxTask, ProcessInstance, Timer

if TYPE_CHECKING:
    from .runtime import ReadyTask


def sync_inbox(session: Session, row: ProcessInstance, ready: list[ReadyTask], actor: str,
               action: str, now: datetime) -> None:
    """Open rows for newly ready tasks; close rows whose task left READY."""
    open_rows = {r.task_uuid: r for r in session.scalars(
        select(InboxTask).where(InboxTask.instance_id == row.id, InboxTask.state == "open"))}
    ready_ids = {t.uuid for t in ready}
    for uuid, inbox in open_rows.items():
        if uuid not in ready_ids:
            inbox.state = "done"
            inbox.closed_at = now
            inbox.closed_by = actor
            inbox.closed_action = action
    for task in ready:
        inbox = open_rows.get(task.uuid)
        if inbox is None:
            session.add(InboxTask(
                instance_id=row.id, subject_type=row.subject_type, subject_id=row.subject_id,
                task_uuid=task.uuid, bpmn_id=task.bpmn_id, title=task.title, role=task.role,
                org_code=task.org, assignee=task.assignee, due_at=task.due_at, state="open", created_at=now))
        else:  # data may have moved the due date or the assignee
            inbox.org_code, inbox.assignee, inbox.due_at = task.org, task.assignee, task.due_at


def sync_timers(session: Session, row: ProcessInstance, waiting: dict[str, tuple[str, datetime]],
                now: datetime) -> None:
    """Mirror the waiting timer events of one instance into the timers table."""
    rows = {t.task_uuid: t for t in session.scalars(
        select(Timer).where(Timer.instance_id == row.id, Timer.state == "waiting"))}
    for uuid, timer in rows.items():
        if uuid not in waiting:
            timer.state = "done"
            timer.fired_at = now
    for uuid, (bpmn_id, due) in waiting.items():
        timer = rows.get(uuid)
        if timer is None:
            session.add(Timer(instance_id=row.id, task_uuid=uuid, bpmn_id=bpmn_id, due_at=due, state="waiting"))
        elif timer.due_at != due:
            timer.due_at = due
