"""New work finds its people (issue 14): every inbox row that becomes someone's to do is notified once.

The engine reports, in the run's own transaction, the rows each run opened (`engine.inbox.Opened`: a new
task queued to an organisation and role, a task named to someone, a task moved to another assignee);
the composition root hands `notify_opened` to the `ProcessEngine`, so every run — a step, filing, a
timer, a calendar change — passes through this one place, never through each step.

Who is told: the assignee of a named task, else every active user of the task's organisation with the
task's role. Never the person whose action opened the task (nor the one they stand in for), and never someone a step of the same
change has already told about the same appeal (the moderator's «передано вам», «ответ готов» for the
investor's rating, a head's «запрошен перенос срока»). Someone away is covered by the writer: their
substitute gets a copy, and the substitute routing of the task after the run sees that copy
(services/work/absences.py). Letters follow each user's setting (at once, daily digest, off).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.inbox import Opened
from services.models import Appeal, User
from services.notify.writer import Notice, notify_many, told
from services.work.substitutes import substitutes_for

EVENTS = ("task_assigned", "task_queued")


def notify_opened(session: Session, opened: list[Opened], actor: str, now: datetime) -> None:
    """Notify the people of each newly opened inbox row (one statement per table for the whole run)."""
    session.info.setdefault(_HANDLED, set()).update(t.task_uuid for t in opened)
    queues = {(t.org_code, t.role) for t in opened if t.assignee is None and t.org_code}
    members = _members(session, queues) if queues else {}
    appeals = _appeals(session, [t.subject_id for t in opened if t.subject_type == "appeal"])
    skip = {actor} | _acted_for(session, opened, actor, now)
    notices = []
    for task in opened:
        appeal = appeals.get(task.subject_id) if task.subject_type == "appeal" else None
        event = "task_assigned" if task.assignee is not None else "task_queued"
        people = [task.assignee] if task.assignee is not None else members.get((task.org_code, task.role), [])
        appeal_id = appeal.id if appeal is not None else None
        ignore = () if appeal is not None else EVENTS  # about no appeal: only another event's notice counts
        people = [p for p in people if p not in skip and not told(session, appeal_id, p, ignore)]
        if people:
            notices.append(Notice(people, event, appeal, _text(task, appeal, event), key=f"t{task.task_uuid}"))
    if notices:
        notify_many(session, notices, now)


def _acted_for(session: Session, opened: list[Opened], actor: str, now: datetime) -> set[str]:
    """Those away for whom the actor stands in: a substitute opens such a person's next task for themselves."""
    others = [t.assignee for t in opened if t.assignee not in (None, actor)]
    if not others:
        return set()
    return {login for login, sub in substitutes_for(session, others, now).items() if sub == actor}


_HANDLED = "koridor.new_work"


def handled(session: Session, task_uuid: str) -> bool:
    """Whether this transaction's new-work notice already considered the task (told its people, or chose not
    to): the substitute routing after the run then sends no notice of its own."""
    return task_uuid in session.info.get(_HANDLED, ())


def _text(task: Opened, appeal: Appeal | None, event: str) -> str:
    where = f" по обращению №{appeal.number}" if appeal is not None else ""
    if event == "task_queued":
        return f"Новая задача в очереди вашей организации: «{task.title}»{where}"
    return f"Новая задача для вас: «{task.title}»{where}"


def _members(session: Session, queues: set[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    """{(organisation, role): active users of that organisation holding that role, by login}."""
    wanted: dict[tuple[str, str], list[str]] = {q: [] for q in queues}
    orgs = {org for org, _role in queues}
    for login, roles, org in session.execute(
            select(User.login, User.roles, User.org_code)
            .where(User.org_code.in_(orgs), User.active.is_(True)).order_by(User.login)):
        for role in roles.split(","):
            if (org, role) in wanted:
                wanted[(org, role)].append(login)
    return wanted


def _appeals(session: Session, ids: list[int | None]) -> dict[int, Appeal]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {a.id: a for a in session.scalars(select(Appeal).where(Appeal.id.in_(wanted)))}
