"""Keep the inbox and timer tables in step with the workflow after each run."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from sqlalchemy import Select, String, bindparam, literal, select, union_all, update
from sqlalchemy.orm import Session

from .models import InboxTask, ProcessInstance, Timer

if TYPE_CHECKING:
    from .runtime import ReadyTask


LIVE = ("waiting", "claimed", "retry")
"""Timer states that may still fire."""


@dataclass(frozen=True)
class Assigned:
    """An open inbox row named to one person and not delegated: what substitute routing looks at."""

    instance_id: int
    task_uuid: str
    title: str
    assignee: str
    subject_type: str
    subject_id: int | None


@dataclass(frozen=True)
class Opened:
    """An inbox row that became someone's to do in this run: newly open (queued to `org_code` and `role`, or
    named to `assignee`), or moved to another assignee. What new-work notifications look at."""

    instance_id: int
    task_uuid: str
    title: str
    role: str
    org_code: str | None
    assignee: str | None
    subject_type: str
    subject_id: int | None


class _InboxRow(NamedTuple):
    id: int
    task_uuid: str
    org_code: str | None
    assignee: str | None
    due_at: datetime | None
    delegated_from: str | None


class _TimerRow(NamedTuple):
    id: int
    task_uuid: str
    due_at: datetime
    state: str


def _inbox_rows(instance_id) -> Select:
    return (select(literal("i"), InboxTask.id, InboxTask.task_uuid, InboxTask.org_code, InboxTask.assignee,
                   InboxTask.due_at, InboxTask.delegated_from)
            .where(InboxTask.instance_id == instance_id, InboxTask.state == "open"))


def _timer_rows(instance_id) -> Select:
    return (select(literal("t"), Timer.id, Timer.task_uuid, Timer.state, literal(None, String),
                   Timer.due_at, literal(None, String))
            .where(Timer.instance_id == instance_id, Timer.kind == "bpmn", Timer.state.in_(LIVE)))


_LIVE_ROWS = union_all(_inbox_rows(bindparam("instance_id")), _timer_rows(bindparam("instance_id")))
# Built once (statements are cached by SQLAlchemy, but building and keying them costs per call); Core
# table statements skip the ORM's bulk path.
_CLOSE_INBOX = (update(InboxTask.__table__).where(InboxTask.__table__.c.id.in_(bindparam("ids", expanding=True)))
                .values(state="done", closed_at=bindparam("now"), closed_by=bindparam("actor"),
                        closed_action=bindparam("action")))
_OPEN_INBOX = InboxTask.__table__.insert()
_CLOSE_TIMERS = (update(Timer.__table__).where(Timer.__table__.c.id.in_(bindparam("ids", expanding=True)))
                 .values(state="done", fired_at=bindparam("now"), claimed_by=None, claimed_until=None))
_ARM_TIMERS = Timer.__table__.insert()


def live_rows(session: Session, instance_id: int) -> tuple[dict[str, _InboxRow], dict[str, _TimerRow]]:
    """The instance's open inbox rows and live BPMN timer rows (by task uuid), in one round trip."""
    inbox: dict[str, _InboxRow] = {}
    timers: dict[str, _TimerRow] = {}
    for kind, id_, uuid, text1, text2, at, text3 in session.execute(
            _LIVE_ROWS, {"instance_id": instance_id}):
        if kind == "i":
            inbox[uuid] = _InboxRow(id_, uuid, text1, text2, at, text3)
        else:
            timers[uuid] = _TimerRow(id_, uuid, at, text1)
    return inbox, timers


def sync_inbox(session: Session, row: ProcessInstance, ready: list[ReadyTask], actor: str,
               action: str, now: datetime, open_rows: dict[str, _InboxRow] | None = None,
               opened: list[Opened] | None = None) -> list[Assigned]:
    """Open rows for newly ready tasks; close rows whose task left READY (plain statements, no ORM objects).
    `open_rows`: the instance's open rows when the caller read them already (`live_rows`).
    Returns the instance's open rows, after the sync, that name an assignee and are not delegated;
    `opened`, when given, receives the rows that became someone's to do (new, or moved to a new assignee)."""
    if open_rows is None:
        open_rows = {r[2]: _InboxRow(*r[1:]) for r in session.execute(_inbox_rows(row.id))}
    ready_ids = {t.uuid for t in ready}
    gone = [r.id for uuid, r in open_rows.items() if uuid not in ready_ids]
    if gone:
        session.execute(_CLOSE_INBOX, {"ids": gone, "now": now, "actor": actor, "action": action})
    new = [dict(instance_id=row.id, subject_type=row.subject_type, subject_id=row.subject_id, task_uuid=t.uuid,
                bpmn_id=t.bpmn_id, title=t.title, role=t.role, org_code=t.org, assignee=t.assignee,
                due_at=t.due_at, state="open", created_at=now)
           for t in ready if t.uuid not in open_rows]
    if new:
        session.execute(_OPEN_INBOX, new)
    assigned = []
    for t in ready:  # data may have moved the due date or the assignee
        r = open_rows.get(t.uuid)  # a task delegated to a substitute stays with them while its owner is the same
        moved = r is not None and (r.delegated_from or r.assignee) != t.assignee
        if r is not None and (r.org_code, r.delegated_from or r.assignee, r.due_at) != (t.org, t.assignee, t.due_at):
            session.execute(update(InboxTask).where(InboxTask.id == r.id).values(
                org_code=t.org, due_at=t.due_at,
                **({"assignee": t.assignee, "delegated_from": None} if moved else {})))
        assignee, delegated = (t.assignee, None) if r is None or moved else (r.assignee, r.delegated_from)
        if opened is not None and (r is None or moved):
            opened.append(Opened(row.id, t.uuid, t.title, t.role, t.org, t.assignee, row.subject_type, row.subject_id))
        if assignee is not None and delegated is None:
            assigned.append(Assigned(row.id, t.uuid, t.title, assignee, row.subject_type, row.subject_id))
    return assigned


def sync_timers(session: Session, row: ProcessInstance, waiting: dict[str, tuple[str, datetime]],
                now: datetime, rows: dict[str, _TimerRow] | None = None) -> None:
    """Mirror the waiting timer events of one instance into the timers table (BPMN rows only; a row
    claimed by a scheduler counts as live: it is closed when its event left WAITING, released to
    `waiting` with its new due time when the event still waits)."""
    if rows is None:
        rows = {r.task_uuid: r for r in session.execute(
            select(Timer.id, Timer.task_uuid, Timer.due_at, Timer.state)
            .where(Timer.instance_id == row.id, Timer.kind == "bpmn", Timer.state.in_(LIVE)))}
    gone = [r.id for uuid, r in rows.items() if uuid not in waiting]
    if gone:
        session.execute(_CLOSE_TIMERS, {"ids": gone, "now": now})
    new = [dict(instance_id=row.id, task_uuid=uuid, bpmn_id=bpmn_id, due_at=due, state="waiting", kind="bpmn",
                attempts=0)
           for uuid, (bpmn_id, due) in waiting.items() if uuid not in rows]
    if new:
        session.execute(_ARM_TIMERS, new)
    for uuid, (_bpmn_id, due) in waiting.items():
        r = rows.get(uuid)
        if r is not None and (r.due_at != due or r.state != "waiting"):
            session.execute(update(Timer).where(Timer.id == r.id)
                            .values(due_at=due, state="waiting", claimed_by=None, claimed_until=None))
