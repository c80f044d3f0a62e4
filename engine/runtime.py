"""The engine's narrow API: deploy, start, complete, fire a timer, set process data.

Callers pass a SQLAlchemy session (their unit of work) and `now`; nothing
here commits. SpiffWorkflow objects never leave this module: callers get
`RunResult` / `ReadyTask` dataclasses.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.exceptions import TaskNotFoundException, WorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.exc import StaleDataError

from . import state as state_io
from .diff import same_diagram
from .dmn import DecisionCache
from .errors import ConcurrentUpdate, InvalidInput, InvalidTransition, NotFound
from .expressions import Effect, SafeScriptEngine
from .history import append_event
from .inbox import Assigned, Opened, live_rows, sync_inbox, sync_timers
from .lint import LintRules
from .live import LiveWorkflows
from .models import ProcessDefinition, ProcessInstance
from .specs import SHARED_KEY, ActionSpec, ClockTimeDate, HumanTaskSpec, LoadedSpec, SpecCache, parse_diagram, to_utc

SYSTEM = "system"
OpenedHook = Callable[[Session, list[Opened], str, datetime], None]
_LOAD = (select(ProcessInstance).where(ProcessInstance.id == bindparam("instance_id"))
         .options(defer(ProcessInstance.state)))
_LOAD_LOCKED = _LOAD.with_for_update()


@dataclass(frozen=True)
class ReadyTask:
    uuid: str
    bpmn_id: str
    title: str
    role: str
    org: str | None
    assignee: str | None
    due_at: datetime | None
    actions: dict[str, ActionSpec]


@dataclass
class RunResult:
    instance_id: int
    subject_type: str
    subject_id: int | None
    status_from: str | None
    status_to: str | None
    completed: bool
    effects: list[Effect] = field(default_factory=list)
    ready: list[ReadyTask] = field(default_factory=list)
    assigned: list[Assigned] = field(default_factory=list)  # open inbox rows named to someone, not delegated
    opened: list[Opened] = field(default_factory=list)  # inbox rows that became someone's to do in this run


@dataclass
class _Run:
    """An instance loaded for change: row, spec and workflow."""

    row: ProcessInstance
    loaded: LoadedSpec
    workflow: BpmnWorkflow
    engine: SafeScriptEngine
    status_changes: list[tuple[str, str | None, str]] = field(default_factory=list)


class ProcessEngine:
    """Runs BPMN processes for Koridor; one instance per subject (appeal, project)."""

    def __init__(self, operations: frozenset[str] = frozenset({"escalate_overdue", "auto_close", "escalate_first_late"}),
                 cache: SpecCache | None = None, prune: bool = True, on_opened: OpenedHook | None = None):
        self.operations = operations
        self.prune = prune  # False only to compare with an unpruned run (tests, bench)
        self.on_opened = on_opened  # told, in the run's transaction, of the rows each run opened (new work)
        self.cache = cache or SpecCache()
        self._hash_by_definition: dict[int, str] = {}
        self._definition_of: dict[int, int] = {}  # instance -> definition (never changes)
        self.live = LiveWorkflows()
        self.decisions = DecisionCache()  # DMN models (engine/dmn.py)

    # -- definitions -------------------------------------------------------
    def deploy(self, session: Session, xml: bytes, filename: str, actor: str, now: datetime,
               rules: LintRules | None = None) -> ProcessDefinition:
        """Lint, validate and store a new version of a diagram. The same diagram as the current version
        (the same bytes, or re-written by a modeler with no change of routing or layout) is that version."""
        loaded = parse_diagram(xml, filename, rules)
        current = self.current_definition(session, loaded.process_id, required=False)
        if current is not None and (current.content_hash == loaded.content_hash or same_diagram(current.xml, xml)):
            return current
        version = (current.version + 1) if current else 1
        if current is not None:
            current.is_current = False
        definition = ProcessDefinition(
            process_id=loaded.process_id, version=version, content_hash=loaded.content_hash,
            filename=filename, xml=xml.decode("utf-8"), deployed_at=now, deployed_by=actor, is_current=True,
        )
        session.add(definition)
        session.flush()
        self.cache.put(loaded)
        return definition

    def current_definition(self, session: Session, process_id: str, required: bool = True) -> ProcessDefinition | None:
        definition = session.scalars(
            select(ProcessDefinition).where(ProcessDefinition.process_id == process_id,
                                            ProcessDefinition.is_current.is_(True))
        ).first()
        if definition is None and required:
            raise NotFound(f"Процесс '{process_id}' не развёрнут")
        return definition

    def _spec(self, session: Session, definition_id: int, content_hash: str | None = None) -> LoadedSpec:
        if content_hash is None:
            content_hash = self._hash_by_definition.get(definition_id)
        if content_hash is None:
            content_hash = session.scalar(select(ProcessDefinition.content_hash)
                                          .where(ProcessDefinition.id == definition_id))
            if content_hash is None:
                raise NotFound("Версия процесса не найдена")
            self._hash_by_definition[definition_id] = content_hash
        return self.cache.get(content_hash, lambda: session.scalar(
            select(ProcessDefinition.xml).where(ProcessDefinition.id == definition_id)))

    # -- instances ----------------------------------------------------------
    def start(self, session: Session, process_id: str, subject_type: str, subject_id: int | None,
              data: dict[str, Any], actor: str, role: str | None, now: datetime) -> RunResult:
        """Start a process with initial data and run it to the first human task."""
        definition = self.current_definition(session, process_id)
        loaded = self._spec(session, definition.id, definition.content_hash)
        row = ProcessInstance(definition_id=definition.id, process_id=process_id, subject_type=subject_type,
                              subject_id=subject_id, status=None, completed=False, state="{}", steps=0,
                              created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        run = self._new_run(row, loaded, data, now)
        self._advance(run, actor, now)
        return self._finish(session, run, actor, role, now, action="submit", task_id=None, fields={},
                            replay={"op": "start", "data": data, "definition": definition.id})

    def _new_run(self, row: ProcessInstance, loaded: LoadedSpec, data: dict[str, Any], now: datetime) -> _Run:
        """A fresh workflow at its start event holding the initial data (also used by replay)."""
        engine = SafeScriptEngine(operations=self.operations)
        engine.now = now
        workflow = BpmnWorkflow(loaded.spec, loaded.subprocess_specs, script_engine=engine)
        start = workflow.get_tasks(state=TaskState.READY)[0]
        start.data.update(data)
        workflow.data[SHARED_KEY] = dict(data)
        return _Run(row, loaded, workflow, engine)

    def complete(self, session: Session, instance_id: int, task_uuid: str, action: str,
                 fields: dict[str, Any], actor: str, role: str | None, now: datetime,
                 extra_data: dict[str, Any] | None = None, history_data: dict[str, Any] | None = None,
                 flush: bool = True, visibility: str = "public") -> RunResult:
        """Complete a ready human task with an action and its fields, then run to the next wait.
        `flush=False`: the instance row is written with the caller's other changes when its unit of work
        commits (one flush; a stale version then fails the commit with `ConcurrentUpdate`). `visibility`
        is the history event's (`internal`: staff only)."""
        run = self._load(session, instance_id, now)
        try:
            task = run.workflow.get_task_from_id(UUID(task_uuid))
        except (TaskNotFoundException, ValueError):
            task = None
        bpmn_id = self._run_human(run, task, action, fields, extra_data or {})
        self._advance(run, actor, now)
        return self._finish(session, run, actor, role, now, action=action, task_id=bpmn_id,
                            fields=history_data if history_data is not None else fields,
                            replay={"op": "complete", "task": bpmn_id, "action": action, "fields": fields,
                                    "extra": extra_data or {}}, flush=flush, visibility=visibility)

    def _run_human(self, run: _Run, task, action: str, fields: dict[str, Any], extra: dict[str, Any]) -> str:
        """Complete a READY human task with an action, its fields and the services' process data."""
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise InvalidTransition("Задача уже выполнена или недоступна")
        human = run.loaded.human_tasks[task.task_spec.bpmn_id]
        spec = human.actions.get(action)
        if spec is None:
            raise InvalidInput("Недопустимое действие",
                                   {"action": [f"допустимо: {', '.join(human.actions)}"]})
        task.data.update(fields)
        task.data.update(extra)
        run.workflow.data.setdefault(SHARED_KEY, {}).update(extra)
        task.data["action"] = action
        if spec.status:
            self._set_status(run, self._resolve(spec.status, task.data), human.bpmn_id)
        try:
            task.run()
        except WorkflowException as err:
            raise InvalidInput(f"Ошибка процесса: {err}") from err
        return human.bpmn_id

    def fire_timer(self, session: Session, instance_id: int, task_uuid: str, now: datetime) -> RunResult | None:
        """Fire one BPMN timer (the caller claimed its row): run the instance at `now`. None, and no
        history, when the timer event no longer waits (fired meanwhile, its task left): firing twice
        is a no-op. Other timers of the instance that are due fire in the same run."""
        run = self._load(session, instance_id, now)
        waiting = {str(t.id) for t in _all_tasks(run.workflow) if t.state == TaskState.WAITING}
        if task_uuid not in waiting:
            sync_timers(session, run.row, self._waiting_timers(run), now)
            return None
        self._advance(run, SYSTEM, now)
        return self._finish(session, run, SYSTEM, None, now, action="timer", task_id=None, fields={},
                            replay={"op": "timer"})

    def set_data(self, session: Session, instance_id: int, data: dict[str, Any], actor: str, role: str | None,
                 now: datetime, action: str, history_data: dict[str, Any] | None = None) -> RunResult:
        """Change process variables outside a task (a deadline recalculated by a calendar override):
        waiting timers that read them move, one history event `action` records it (replayable)."""
        run = self._load(session, instance_id, now)
        self.apply_data(run, data)
        self._advance(run, actor, now)
        return self._finish(session, run, actor, role, now, action=action, task_id=None,
                            fields=history_data if history_data is not None else data,
                            replay={"op": "data", "data": data})

    @staticmethod
    def apply_data(run: _Run, data: dict[str, Any]) -> None:
        """Set shared variables, and the copies unfinished tasks hold of them (also used by replay)."""
        run.workflow.data.setdefault(SHARED_KEY, {}).update(data)
        for task in _all_tasks(run.workflow):
            if task.state in (TaskState.READY, TaskState.WAITING, TaskState.STARTED):
                task.data.update({k: v for k, v in data.items() if k in task.data})

    def data(self, session: Session, instance_id: int) -> dict[str, Any]:
        """The process data as the latest task sees it (read-only)."""
        run = self._load(session, instance_id, None, lock=False)
        return dict(run.workflow.last_task.data if run.workflow.last_task else run.workflow.task_tree.data)

    def task_form(self, session: Session, instance_id: int, bpmn_id: str) -> HumanTaskSpec:
        """The form (actions and fields) of a human task, from the cached spec."""
        definition_id = self._definition_of.get(instance_id)
        if definition_id is None:
            definition_id = session.scalar(select(ProcessInstance.definition_id)
                                           .where(ProcessInstance.id == instance_id))
            if definition_id is None:
                raise NotFound("Экземпляр процесса не найден")
            self._definition_of[instance_id] = definition_id
        return self._spec(session, definition_id).human_tasks[bpmn_id]

    # -- internals ----------------------------------------------------------
    def _load(self, session: Session, instance_id: int, now: datetime | None, lock: bool = True) -> _Run:
        locked = lock and session.get_bind().dialect.name == "postgresql"
        row = session.scalars(_LOAD_LOCKED if locked else _LOAD, {"instance_id": instance_id}).first()
        if row is None:
            raise NotFound("Экземпляр процесса не найден")
        loaded = self._spec(session, row.definition_id)
        workflow = self.live.take(row.id, row.version) if lock else None
        if workflow is not None:
            engine = workflow.script_engine
            engine.effects.clear()
        else:
            engine = SafeScriptEngine(operations=self.operations)
            workflow = state_io.load(row.state, loaded.spec, loaded.subprocess_specs, engine)
        engine.now = now
        return _Run(row, loaded, workflow, engine)

    def _advance(self, run: _Run, actor: str, now: datetime, observe=None) -> None:
        def did_complete(task) -> None:
            status = run.loaded.node_status.get(task.task_spec.bpmn_id or "")
            if status:
                self._set_status(run, self._resolve(status, task.data), task.task_spec.bpmn_id)
            if observe is not None:
                observe(task)
        try:
            # do_engine_steps ends with refresh_timers(), which may make a timer that is
            # already due READY without running it: run again until nothing automatic is left.
            for _ in range(100):
                run.workflow.refresh_timers()
                run.workflow.do_engine_steps(did_complete_task=did_complete)
                if not any(not t.task_spec.manual for t in _all_tasks(run.workflow)
                           if t.state == TaskState.READY):
                    break
        except WorkflowException as err:
            raise InvalidInput(f"Ошибка процесса: {err}") from err
        if self.prune:
            state_io.prune(run.workflow)

    @staticmethod
    def _resolve(status: str, data: dict[str, Any]) -> str | None:
        if not status.startswith("$"):
            return status
        value = data.get(status[1:])
        return str(value) if value not in (None, "") else None

    @staticmethod
    def _set_status(run: _Run, status: str | None, node: str) -> None:
        if status is None:  # a $variable status whose variable is not set: no change
            return
        previous = run.status_changes[-1][2] if run.status_changes else run.row.status
        if status != previous:
            run.status_changes.append((node, previous, status))

    def _ready(self, run: _Run) -> list[ReadyTask]:
        ready = []
        for task in _all_tasks(run.workflow):
            if task.state != TaskState.READY or not task.task_spec.manual:
                continue
            human = run.loaded.human_tasks[task.task_spec.bpmn_id]
            data = task.data
            ready.append(ReadyTask(
                uuid=str(task.id), bpmn_id=human.bpmn_id, title=human.title, role=human.role,
                org=data.get(human.org_var) if human.org_var else None,
                assignee=data.get(human.assignee_var) if human.assignee_var else None,
                due_at=to_utc(data.get(human.due_var)) if human.due_var else None,
                actions=human.actions,
            ))
        return ready

    def _waiting_timers(self, run: _Run) -> dict[str, tuple[str, datetime]]:
        timers = {}
        for task in _all_tasks(run.workflow):
            if task.state != TaskState.WAITING:
                continue
            spec = task.task_spec
            if isinstance(spec, CatchingEvent) and isinstance(spec.event_definition, ClockTimeDate):
                due = to_utc(task._get_internal_data("event_value"))
                if due is not None:
                    timers[str(task.id)] = (spec.bpmn_id, due)
        return timers

    def _finish(self, session: Session, run: _Run, actor: str, role: str | None, now: datetime,
                action: str, task_id: str | None, fields: dict[str, Any], replay: dict[str, Any],
                flush: bool = True, visibility: str = "public") -> RunResult:
        """Store the run; every run (a timer firing too) appends one event with its `replay` record."""
        row = run.row
        status_from = row.status
        ready = self._ready(run)
        completed = not ready and run.workflow.is_completed()
        if run.status_changes:
            row.status = run.status_changes[-1][2]
        append_event(session, row.subject_type, row.subject_id or 0, now, actor, role, action,
                     task=task_id, status_from=status_from, status_to=row.status,
                     data=fields, instance_id=row.id, replay=replay, visibility=visibility)
        row.state = state_io.dump(run.workflow)
        row.completed = completed
        row.steps += 1
        row.updated_at = now
        inbox_rows, timer_rows = live_rows(session, row.id)
        opened: list[Opened] = []
        assigned = sync_inbox(session, row, ready, actor, action, now, inbox_rows, opened)
        if opened and self.on_opened is not None:
            self.on_opened(session, opened, actor, now)
        sync_timers(session, row, self._waiting_timers(run), now, timer_rows)
        if flush:
            try:
                session.flush()
            except StaleDataError as err:
                raise ConcurrentUpdate("Обращение изменено параллельно, обновите страницу") from err
        self.live.put_after_commit(session, row, run.workflow)
        return RunResult(row.id, row.subject_type, row.subject_id, status_from, row.status,
                         completed, list(run.engine.effects), ready, assigned, opened)


def _all_tasks(workflow: BpmnWorkflow):
    """Every task of the top workflow and its live subprocesses: a flat scan (the tree is pruned, so it
    is small), cheaper than the library's tree iterator."""
    yield from workflow.tasks.values()
    for sub in workflow.subprocesses.values():
        yield from sub.tasks.values()


def content_hash(xml: bytes) -> str:
    return hashlib.sha256(xml).hexdigest()
