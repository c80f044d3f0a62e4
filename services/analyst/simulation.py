"""What-if simulation for analysts (issue 7): past appeals against a candidate diagram and classifier.

The appeals filed in a period are replayed in memory: each one's recorded decisions (the history:
action, task and its step, fields, the process data the services set) drive the candidate
diagram (engine/simulation.py), and its deadline is recomputed with the candidate classifier.
The report says what would differ: the route (human tasks visited), the deadline of each appeal,
how many would have been overdue (the answer time against the new deadline), and the load per
organisation. Nothing is written: the unit of work is only read and never committed.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from classifiers.deadlines import compute_deadline
from classifiers.errors import InvalidClassifier
from classifiers.loader import classifier_from_dict
from classifiers.taxonomy import Classifier, UnknownFact
from engine.models import HistoryEvent, InboxTask
from engine.simulation import Decision, SimulatedRun, run_decisions
from engine.specs import LoadedSpec, parse_diagram
from services.analyst.process_models import ANALYSTS, lint_rules
from services.appeals.appeal import FINAL
from services.appeals.intake import PROCESS_ID, end_of_day
from services.context import Actor, Context
from services.errors import NotPermitted, ValidationFailed
from services.models import Appeal, CalendarOverride

MAX_APPEALS = 5000
_START_KEYS = ("appeal_id", "agency_org", "company_org", "investor", "head")


def _day(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as err:
        raise ValidationFailed("Проверьте период", {name: ["дата в формате ГГГГ-ММ-ДД"]}) from err


def _classifier(ctx: Context, classifier_json: bytes | str | None) -> Classifier:
    if classifier_json in (None, b"", ""):
        return ctx.classifier
    try:
        return classifier_from_dict(json.loads(classifier_json))
    except (ValueError, InvalidClassifier) as err:  # JSONDecodeError is a ValueError
        raise ValidationFailed("Классификатор не принят", {"classifier": [str(err)]}) from err


def _candidate(ctx: Context, session: Session, diagram_xml: bytes | None) -> LoadedSpec:
    if diagram_xml:
        return parse_diagram(diagram_xml, "candidate.bpmn", lint_rules(ctx, session))
    current = ctx.engine.current_definition(session, PROCESS_ID)
    return ctx.engine.cache.get(current.content_hash, lambda: current.xml)


def simulate(ctx: Context, actor: Actor | None, since: Any, until: Any = None, diagram_xml: bytes | None = None,
             classifier_json: bytes | str | None = None) -> dict[str, Any]:
    """Replay the decisions recorded for the appeals filed from `since` to `until` (local dates,
    inclusive) against a candidate diagram and/or classifier; report what would differ."""
    if actor is not None and not actor.has(*ANALYSTS):
        raise NotPermitted("Моделирование доступно аналитику или администратору")
    first, last = _day(since, "since"), _day(until, "until")
    now = ctx.clock()
    if first is None:
        raise ValidationFailed("Укажите начало периода", {"since": ["обязательное поле"]})
    last = last or now.astimezone(ctx.tz).date()
    if last < first:
        raise ValidationFailed("Проверьте период", {"until": ["не раньше начала периода"]})
    classifier = _classifier(ctx, classifier_json)
    lower = datetime.combine(first, time.min, ctx.tz)
    upper = datetime.combine(last + timedelta(days=1), time.min, ctx.tz)
    with ctx.db.unit_of_work() as uow:  # read only: never committed
        s = uow.session
        candidate = _candidate(ctx, s, diagram_xml)
        appeals = list(s.scalars(select(Appeal).where(Appeal.created_at >= lower, Appeal.created_at < upper)
                                 .order_by(Appeal.id).limit(MAX_APPEALS + 1)))
        truncated = len(appeals) > MAX_APPEALS
        appeals = appeals[:MAX_APPEALS]
        calendar = ctx.pack.calendar({o.day: o.working for o in s.scalars(select(CalendarOverride))})
        events, inbox = _records(s, [a.id for a in appeals])
        items, load = [], _Load()
        for appeal in appeals:
            deadline_new, type_new, problem = _deadline(ctx, classifier, calendar, appeal, events[appeal.id])
            decisions, start = _decisions(ctx, s, appeal, events[appeal.id], deadline_new, type_new)
            run = run_decisions(candidate, ctx.engine.operations, start, appeal.created_at, decisions, now)
            old_tasks = inbox[appeal.id]
            load.add(appeal.id, [(t.bpmn_id, t.org_code) for t in old_tasks], run.tasks)
            items.append(_item(ctx, appeal, events[appeal.id], old_tasks, deadline_new, type_new, run, problem, now))
        candidate_info = {"process_id": candidate.process_id, "content_hash": candidate.content_hash,
                          "uploaded": bool(diagram_xml)}
    return {"period": {"since": first.isoformat(), "until": last.isoformat()}, "diagram": candidate_info,
            "classifier": {"uploaded": classifier is not ctx.classifier}, "truncated": truncated,
            "summary": _summary(items), "load": load.rows(), "appeals": items}


def _records(s: Session, ids: list[int]) -> tuple[dict[int, list[HistoryEvent]], dict[int, list[InboxTask]]]:
    events: dict[int, list[HistoryEvent]] = defaultdict(list)
    inbox: dict[int, list[InboxTask]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for e in s.scalars(select(HistoryEvent).where(HistoryEvent.subject_type == "appeal",
                                                      HistoryEvent.subject_id.in_(chunk)).order_by(HistoryEvent.id)):
            events[e.subject_id].append(e)
        for t in s.scalars(select(InboxTask).where(InboxTask.subject_type == "appeal",
                                                   InboxTask.subject_id.in_(chunk)).order_by(InboxTask.id)):
            inbox[t.subject_id].append(t)
    return events, inbox


def _deadline(ctx: Context, classifier: Classifier, calendar, appeal: Appeal,
              events: list[HistoryEvent]) -> tuple[date, str, str | None]:
    """The candidate's deadline (an approved extension still counts when it is later) and type."""
    try:
        computed = compute_deadline(classifier, appeal.fact_code, appeal.received_at, calendar, ctx.pack.timezone)
    except UnknownFact:
        return appeal.deadline, appeal.appeal_type, f"the candidate classifier has no fact '{appeal.fact_code}'"
    new = computed.deadline
    extended = [e.data["deadline_to"] for e in events if isinstance(e.data, dict) and e.data.get("deadline_to")]
    if extended:
        new = max(new, date.fromisoformat(str(extended[-1])))
    return new, computed.appeal_type, None


def _replay_record(e: HistoryEvent) -> dict[str, Any]:
    record = getattr(e, "replay", None)  # what the engine ran, where recorded (engine/replay.py)
    return record if isinstance(record, dict) else {}


def _decisions(ctx: Context, s: Session, appeal: Appeal, events: list[HistoryEvent], deadline: date,
               appeal_type: str) -> tuple[list[Decision], dict[str, Any]]:
    deadline_at = end_of_day(ctx, deadline).isoformat()
    start = {"appeal_id": appeal.id, "agency_org": appeal.agency_org, "company_org": appeal.company_org,
             "investor": appeal.investor_login, "head": appeal.head_login}
    decisions = []
    for e in events:
        record = _replay_record(e)
        if e.action == "submit" and record.get("op") == "start":
            start.update({k: v for k, v in (record.get("data") or {}).items() if k in _START_KEYS})
        elif e.action == "timer":
            decisions.append(Decision(e.at, "timer"))
        elif e.task:
            step = _step(ctx, s, appeal.instance_id, e.task)
            if record.get("op") == "complete":
                fields, extra = dict(record.get("fields") or {}), dict(record.get("extra") or {})
            else:
                fields, extra = dict(e.data or {}), _derived_extra(ctx, appeal, e, step)
            if "deadline_at" in extra:  # an approved extension: never earlier than the candidate's deadline
                extra.update(deadline=deadline.isoformat(), deadline_at=deadline_at)
            decisions.append(Decision(e.at, "complete", e.action, e.task, step, fields, extra))
    start.update(appeal_type=appeal_type, deadline=deadline.isoformat(), deadline_at=deadline_at)
    return decisions, start


def _step(ctx: Context, s: Session, instance_id: int | None, bpmn_id: str) -> str:
    if instance_id is None:
        return bpmn_id
    try:
        return ctx.engine.task_form(s, instance_id, bpmn_id).step
    except KeyError:
        return bpmn_id


def _derived_extra(ctx: Context, appeal: Appeal, e: HistoryEvent, step: str) -> dict[str, Any]:
    """The process data services.actions set with an action, for history recorded without it."""
    data = e.data or {}
    if e.action == "accept" and step == "moderation":
        return {"executor_org": data.get("executor_org"), "manager": data.get("manager"),
                "coordinator": appeal.coordinator_login}
    if e.action == "redirect":
        return {"executor_org": data.get("org") or data.get("org_to"), "manager": None}
    if e.action == "take":
        return {"manager": e.actor}
    if e.action == "approve" and step == "extension" and data.get("deadline_to"):
        return {"deadline_at": None}  # the moved deadline: _decisions puts the candidate's in
    if e.action == "answer":
        return {"outcome": data.get("outcome")}
    if e.action == "approve" and step == "approval":
        return {"rating_due_at": (e.at + timedelta(days=ctx.settings.rating_period_days)).isoformat()}
    return {}


def _overdue(ctx: Context, appeal: Appeal, deadline: date, now: datetime) -> bool:
    if appeal.answered_at is not None:
        at = appeal.answered_at
    elif appeal.closed_at is not None and appeal.status in FINAL:
        at = appeal.closed_at
    else:
        at = now
    return at > end_of_day(ctx, deadline)


def _item(ctx: Context, appeal: Appeal, events: list[HistoryEvent], old_tasks: list[InboxTask], deadline_new: date,
          type_new: str, run: SimulatedRun, problem: str | None, now: datetime) -> dict[str, Any]:
    route_old = [e.task for e in events if e.task]
    open_old = [t.bpmn_id for t in old_tasks if t.state == "open"]
    return {
        "id": appeal.id, "number": appeal.number, "fact": appeal.fact_code, "created_at": appeal.created_at,
        "appeal_type_old": appeal.appeal_type, "appeal_type_new": type_new,
        "deadline_old": appeal.deadline.isoformat(), "deadline_new": deadline_new.isoformat(),
        "deadline_changed": deadline_new != appeal.deadline, "deadline_shift_days": (deadline_new - appeal.deadline).days,
        "answered_at": appeal.answered_at,
        "overdue_old": _overdue(ctx, appeal, appeal.deadline, now),
        "overdue_new": _overdue(ctx, appeal, deadline_new, now),
        "route_old": route_old + open_old, "route_new": run.route + run.open_tasks,
        "route_changed": route_old + open_old != run.route + run.open_tasks,
        "status_old": appeal.status, "status_new": run.status,
        "escalations_new": run.escalations, "stopped": run.stopped, "problem": problem,
    }


def _summary(items: list[dict[str, Any]]) -> dict[str, Any]:
    def count(key: str) -> int:
        return sum(1 for i in items if i[key])

    return {"appeals": len(items), "deadline_changed": count("deadline_changed"),
            "route_changed": count("route_changed"), "stopped": count("stopped"),
            "overdue_old": count("overdue_old"), "overdue_new": count("overdue_new"),
            "status_changed": sum(1 for i in items if i["status_old"] != i["status_new"]),
            "problems": count("problem")}


class _Load:
    """Appeals and tasks per organisation, as recorded and as the candidate would route them."""

    def __init__(self) -> None:
        self.appeals: dict[str, dict[str, set[int]]] = defaultdict(lambda: {"old": set(), "new": set()})
        self.tasks: dict[str, dict[str, int]] = defaultdict(lambda: {"old": 0, "new": 0})

    def add(self, appeal_id: int, old: list[tuple[str, str | None]], new: list[tuple[str, str | None]]) -> None:
        for side, tasks in (("old", old), ("new", new)):
            for _bpmn_id, org in tasks:
                key = org or "—"
                self.appeals[key][side].add(appeal_id)
                self.tasks[key][side] += 1

    def rows(self) -> list[dict[str, Any]]:
        return [{"org": org, "appeals_old": len(self.appeals[org]["old"]), "appeals_new": len(self.appeals[org]["new"]),
                 "tasks_old": self.tasks[org]["old"], "tasks_new": self.tasks[org]["new"]}
                for org in sorted(self.appeals)]
