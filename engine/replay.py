"""Replay (issue 7): rebuild an instance from its recorded history and compare with what is stored.

Every engine run appends one history event whose `replay` column says what the run did:
`{"op": "start", "data": …}`, `{"op": "complete", "task": <BPMN id>, "action": …, "fields": …,
"extra": …}`, `{"op": "timer"}` or `{"op": "data", "data": …}` (variables set outside a task, e.g.
a deadline moved by a calendar override). Replay starts a fresh workflow on the instance's own diagram
version (the cached spec), applies those records in order with the engine's clock set to each
event's time (so timers fire exactly when they did), and compares the result with the stored
instance: status, completed flag, open tasks (BPMN id, organisation, assignee: the owner of a task
a substitute holds, `delegated_from`, since routing to substitutes is not the engine's), waiting
timers and the process variables in `DATA_KEYS`. It also checks each step's `status_to` as it goes,
so a divergence is named at the step where it starts. Events without a `replay` record (comments,
files, SLA warnings, `tasks_handed_over` …) are not engine steps and are passed over. Nothing is
written: rows are read as plain columns and the rebuilt workflow never leaves this module.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .errors import EngineError, ReplayFailed
from .inbox import LIVE
from .models import HistoryEvent, InboxTask, ProcessDefinition, ProcessInstance, Timer
from .runtime import SYSTEM, ProcessEngine, _all_tasks, _Run
from .specs import SHARED_KEY, ClockTimeDate

DATA_KEYS = ("executor_org", "manager", "deadline_at", "outcome", "rating_due_at")
BATCH = 400


@dataclass(frozen=True)
class OpenTask:
    bpmn_id: str
    title: str
    role: str
    org: str | None
    assignee: str | None


@dataclass(frozen=True)
class StepSnapshot:
    """The rebuilt instance right after one history event (facts outside the engine, such as
    comments, carry the state forward)."""

    index: int  # 1-based position in the instance's history
    event_id: int
    at: datetime
    actor: str
    role: str | None
    action: str
    task: str | None  # the BPMN id of the completed task, for completions
    engine_step: bool
    status: str | None
    completed: bool
    tasks: tuple[OpenTask, ...]
    timers: tuple[tuple[str, str], ...]  # waiting timers: (BPMN id, due ISO)
    data: dict[str, Any]  # the process variables the services set
    path: tuple[tuple[str, str | None], ...]  # human tasks completed so far, with their action
    fired: tuple[str, ...]  # timer events fired so far
    activated: frozenset[str]  # human tasks that were open at some point
    fields: dict[str, Any]  # what this step carried: the action's fields and the services' process data


@dataclass
class ReplayResult:
    instance_id: int
    matches: bool
    differences: list[str] = field(default_factory=list)
    steps: list[StepSnapshot] = field(default_factory=list)
    replayable: bool = True  # False: history recorded before replay records existed
    status: str | None = None


class _Row:
    """Stands in for the instance row: the engine's status bookkeeping reads `status` only."""

    def __init__(self) -> None:
        self.status: str | None = None


def replay_instance(session: Session, engine: ProcessEngine, instance_id: int,
                    keep_steps: bool = True) -> ReplayResult:
    """Replay one instance; `steps` holds a snapshot per history event when keep_steps."""
    results = replay_instances(session, engine, [instance_id], keep_steps)
    if not results:
        return ReplayResult(instance_id, False, [f"процесс #{instance_id} не найден"], replayable=False)
    return results[0]


def replay_instances(session: Session, engine: ProcessEngine, instance_ids: list[int],
                     keep_steps: bool = False) -> list[ReplayResult]:
    """Replay many instances with four queries per batch (rows, events, inbox, timers)."""
    results = []
    for start in range(0, len(instance_ids), BATCH):
        ids = instance_ids[start:start + BATCH]
        rows = session.execute(select(ProcessInstance.id, ProcessInstance.definition_id, ProcessInstance.status,
                                      ProcessInstance.completed, ProcessInstance.state)
                               .where(ProcessInstance.id.in_(ids)).order_by(ProcessInstance.id)).all()
        events: dict[int, list[Any]] = {}
        for e in session.execute(select(HistoryEvent.id, HistoryEvent.instance_id, HistoryEvent.at, HistoryEvent.actor,
                                        HistoryEvent.role, HistoryEvent.action, HistoryEvent.task, HistoryEvent.status_to,
                                        HistoryEvent.data, HistoryEvent.replay)
                                 .where(HistoryEvent.instance_id.in_(ids)).order_by(HistoryEvent.id)):
            events.setdefault(e.instance_id, []).append(e)
        ready: dict[int, list[tuple]] = {}
        owner = func.coalesce(InboxTask.delegated_from, InboxTask.assignee)  # a substitute's task is the owner's
        for t in session.execute(select(InboxTask.instance_id, InboxTask.bpmn_id, InboxTask.org_code,
                                        owner.label("assignee"))
                                 .where(InboxTask.instance_id.in_(ids), InboxTask.state == "open")):
            ready.setdefault(t.instance_id, []).append((t.bpmn_id, t.org_code, t.assignee))
        timers: dict[int, list[tuple]] = {}
        for t in session.execute(select(Timer.instance_id, Timer.bpmn_id, Timer.due_at)
                                 .where(Timer.instance_id.in_(ids), Timer.kind == "bpmn", Timer.state.in_(LIVE))):
            timers.setdefault(t.instance_id, []).append((t.bpmn_id, t.due_at.isoformat()))
        for row in rows:
            stored = _Stored(row.status, bool(row.completed), sorted(ready.get(row.id, []), key=_key),
                             sorted(timers.get(row.id, [])), row.state)
            results.append(_replay(session, engine, row.id, row.definition_id, events.get(row.id, []), stored,
                                   keep_steps))
    return results


@dataclass
class _Stored:
    status: str | None
    completed: bool
    ready: list[tuple]
    timers: list[tuple]
    state: str


def _key(item: tuple) -> tuple:
    return tuple("" if v is None else str(v) for v in item)


def _replay(session: Session, engine: ProcessEngine, instance_id: int, definition_id: int, events: list[Any],
            stored: _Stored, keep_steps: bool) -> ReplayResult:
    result = ReplayResult(instance_id, False)
    recorded = [e for e in events if e.replay]
    if not recorded or recorded[0].replay.get("op") != "start":
        result.replayable = False
        result.differences.append("история записана без данных для воспроизведения (до миграции 0003)")
        return result
    loaded = engine._spec(session, recorded[0].replay.get("definition") or definition_id)
    row = _Row()
    run: _Run | None = None
    path: list[tuple[str, str | None]] = []
    fired: list[str] = []
    activated: set[str] = set()

    def observe(task) -> None:
        spec = task.task_spec
        if isinstance(spec, CatchingEvent) and isinstance(spec.event_definition, ClockTimeDate):
            fired.append(spec.bpmn_id)

    snapshot: StepSnapshot | None = None
    broken = False  # a step the engine refused: the rest cannot be replayed
    for index, event in enumerate(events, start=1):
        record = event.replay
        if run is not None and event.action == "migrate" and not record:
            try:
                loaded = _migrate(session, engine, run, event, definition_id)
            except Exception as err:  # noqa: BLE001 - reported as a difference, like any refused step
                result.differences.append(f"шаг {index} (событие #{event.id}, migrate): перенос не воспроизводится: "
                                          f"{type(err).__name__}: {err}")
                broken = True
                break
        if record:
            mismatch = _disagrees(event, record)
            if mismatch:
                result.differences.append(f"шаг {index} (событие #{event.id}, {event.action}): {mismatch}")
            try:
                run = _apply(engine, loaded, row, run, record, event.at, observe, path)
            except (EngineError, WorkflowException, KeyError, TypeError) as err:
                message = err.message if isinstance(err, EngineError) else f"{type(err).__name__}: {err}"
                result.differences.append(f"шаг {index} (событие #{event.id}, {event.action}): "
                                          f"движок не принял запись: {message}")
                broken = True
                break
            if run.status_changes:
                row.status = run.status_changes[-1][2]
            if row.status != event.status_to:
                result.differences.append(f"шаг {index} (событие #{event.id}, {event.action}): записан статус "
                                          f"{event.status_to}, воспроизведение даёт {row.status}")
            if keep_steps:
                activated.update(t.bpmn_id for t in engine._ready(run))
        if keep_steps:
            if record or snapshot is None:
                snapshot = _snapshot(engine, run, row, index, event, path, fired, activated)
            else:
                snapshot = replace(snapshot, index=index, event_id=event.id, at=event.at, actor=event.actor,
                                   role=event.role, action=event.action, task=event.task, engine_step=False,
                                   fields={})
            result.steps.append(snapshot)
    if run is not None and not broken:
        _compare(engine, run, row, stored, result.differences)
    result.status = row.status
    result.matches = not result.differences
    return result


def _migrate(session: Session, engine: ProcessEngine, run: _Run, event, definition_id: int):
    """An analyst moved the instance to another version here (engine/migration.py): move the rebuilt
    workflow the same way, to the version the event names."""
    from .migration import _apply as move_workflow  # the same helper the migration used

    process_id = session.scalar(select(ProcessDefinition.process_id).where(ProcessDefinition.id == definition_id))
    target = session.scalar(select(ProcessDefinition.id).where(
        ProcessDefinition.process_id == process_id, ProcessDefinition.version == (event.data or {}).get("version_to")))
    if target is None:
        raise ReplayFailed("версия, на которую перенесён процесс, не найдена")
    new = engine._spec(session, target)
    run.engine.now = None  # the migration fires no timer
    run.workflow = move_workflow(run.workflow, new, run.engine)
    run.loaded = new
    return new


def _disagrees(event, record: dict[str, Any]) -> str | None:
    """The replay record of a completion must say what the visible history says: the same task,
    action and field values."""
    if record.get("op") != "complete":
        return None
    if (record.get("task"), record.get("action")) != (event.task, event.action):
        return f"запись шага ({record.get('task')}, {record.get('action')}) не совпадает с историей " \
               f"({event.task}, {event.action})"
    data = event.data or {}
    changed = sorted(k for k, v in (record.get("fields") or {}).items() if data.get(k) != v)
    return f"поля записи шага не совпадают с историей: {', '.join(changed)}" if changed else None


def _apply(engine: ProcessEngine, loaded, row: _Row, run: _Run | None, record: dict[str, Any], at: datetime,
           observe, path: list[tuple[str, str | None]]) -> _Run:
    op = record.get("op")
    if op == "start":
        if run is not None:
            raise ReplayFailed("второй запуск процесса")
        run = engine._new_run(row, loaded, record["data"], at)  # type: ignore[arg-type]
        engine._advance(run, SYSTEM, at, observe)
        return run
    if run is None:
        raise ReplayFailed("шаг до запуска процесса")
    run.status_changes = []
    run.engine.effects.clear()
    run.engine.now = at
    if op == "complete":
        task = next((t for t in _all_tasks(run.workflow) if t.state == TaskState.READY and t.task_spec.manual
                     and t.task_spec.bpmn_id == record["task"]), None)
        if task is None:
            raise ReplayFailed(f"задача {record['task']} не ожидает выполнения")
        engine._run_human(run, task, record["action"], dict(record["fields"]), dict(record["extra"]))
        path.append((record["task"], record["action"]))
    elif op == "data":
        engine.apply_data(run, dict(record["data"]))
    elif op != "timer":
        raise ReplayFailed(f"неизвестная операция {op!r}")
    engine._advance(run, SYSTEM, at, observe)
    return run


def _snapshot(engine: ProcessEngine, run: _Run | None, row: _Row, index: int, event, path, fired,
              activated) -> StepSnapshot:
    tasks: tuple[OpenTask, ...] = ()
    timers: tuple[tuple[str, str], ...] = ()
    data: dict[str, Any] = {}
    completed = False
    if run is not None:
        ready = engine._ready(run)
        tasks = tuple(OpenTask(t.bpmn_id, t.title, t.role, t.org, t.assignee) for t in ready)
        timers = tuple(sorted((b, due.isoformat()) for b, due in engine._waiting_timers(run).values()))
        data = dict(run.workflow.data.get(SHARED_KEY) or {})
        completed = not ready and run.workflow.is_completed()
    record = event.replay or {}
    fields = {**(record.get("fields") or {}), **(record.get("extra") or {})} if record.get("op") == "complete" \
        else dict(record.get("data") or {})
    return StepSnapshot(index, event.id, event.at, event.actor, event.role, event.action, event.task,
                        bool(event.replay),
                        row.status, completed, tasks, timers, data, tuple(path), tuple(fired), frozenset(activated),
                        fields)


def _compare(engine: ProcessEngine, run: _Run, row: _Row, stored: _Stored, differences: list[str]) -> None:
    ready = engine._ready(run)
    completed = not ready and run.workflow.is_completed()
    if row.status != stored.status:
        differences.append(f"статус: сохранён {stored.status}, воспроизведение даёт {row.status}")
    if completed != stored.completed:
        differences.append(f"завершён: сохранено {stored.completed}, воспроизведение даёт {completed}")
    replayed_ready = sorted(((t.bpmn_id, t.org, t.assignee) for t in ready), key=_key)
    if replayed_ready != stored.ready:
        differences.append(f"открытые задачи: сохранены {stored.ready}, воспроизведение даёт {replayed_ready}")
    replayed_timers = sorted((b, due.isoformat()) for b, due in engine._waiting_timers(run).values())
    if replayed_timers != stored.timers:
        differences.append(f"таймеры: сохранены {stored.timers}, воспроизведение даёт {replayed_timers}")
    shared = run.workflow.data.get(SHARED_KEY) or {}
    stored_shared = (json.loads(stored.state).get("data") or {}).get(SHARED_KEY) or {}
    for key in DATA_KEYS:
        if shared.get(key) != stored_shared.get(key):
            differences.append(f"данные процесса {key}: сохранено {stored_shared.get(key)!r}, "
                               f"воспроизведение даёт {shared.get(key)!r}")
