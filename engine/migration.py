"""Moving running instances to another version of their diagram (issue 7).

SpiffWorkflow 3.2's `bpmn/util/diff.py` does the aligning: `diff_workflow` pairs every task
of an instance (top workflow and live sub-processes) with the task spec of the new version by
BPMN id, and `migrate_workflow` swaps the specs and re-predicts the branches of READY and
WAITING tasks (task ids are kept, so inbox rows stay). We move an instance only when nothing
it has reached changed: a step that is completed, started, ready or waiting in the task tree,
or completed according to the history (the tree is pruned), must exist unchanged in the new
version. Everything else is refused with the reason.

A moved instance is written under the engine's lock (`SELECT … FOR UPDATE` on PostgreSQL, the
version column everywhere); its inbox rows and timers are re-synced, a `migrate` event is
appended to its history, and the engine's per-instance caches (definition of the instance, live
workflow) are dropped. Nothing here commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util.diff import SpecDiff, diff_dependencies, diff_workflow, migrate_workflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from . import state as state_io
from .errors import ConcurrentUpdate, NotFound
from .expressions import SafeScriptEngine
from .history import append_event
from .inbox import sync_inbox, sync_timers
from .models import HistoryEvent, InboxTask, ProcessDefinition, ProcessInstance
from .runtime import ProcessEngine, _Run
from .specs import LoadedSpec

REACHED = TaskState.COMPLETED | TaskState.STARTED | TaskState.READY | TaskState.WAITING | TaskState.ERROR
_REGISTRY = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
_FORGET = "koridor_migrated_instances"


@dataclass
class InstanceMigration:
    instance_id: int
    subject_type: str
    subject_id: int | None
    from_version: int
    to_version: int
    moved: bool
    reasons: list[str] = field(default_factory=list)
    open_tasks: list[str] = field(default_factory=list)


@dataclass
class MigrationReport:
    process_id: str
    to_version: int
    dry_run: bool
    instances: list[InstanceMigration] = field(default_factory=list)

    @property
    def moved(self) -> list[InstanceMigration]:
        return [i for i in self.instances if i.moved]

    @property
    def refused(self) -> list[InstanceMigration]:
        return [i for i in self.instances if not i.moved]


def migrate_instances(engine: ProcessEngine, session: Session, process_id: str, to_version: int, actor: str,
                      now: datetime, dry_run: bool = False, instance_ids: list[int] | None = None) -> MigrationReport:
    """Move every running instance of `process_id` (or only `instance_ids`) to `to_version` where safe."""
    target = session.scalar(select(ProcessDefinition).where(ProcessDefinition.process_id == process_id,
                                                            ProcessDefinition.version == to_version))
    if target is None:
        raise NotFound(f"Версия {to_version} процесса '{process_id}' не найдена")
    versions = dict(session.execute(select(ProcessDefinition.id, ProcessDefinition.version)
                                    .where(ProcessDefinition.process_id == process_id)).all())
    new = engine._spec(session, target.id, target.content_hash)
    query = (select(ProcessInstance.id).where(ProcessInstance.process_id == process_id,
                                              ProcessInstance.completed.is_(False),
                                              ProcessInstance.definition_id != target.id)
             .order_by(ProcessInstance.id))
    if instance_ids is not None:
        query = query.where(ProcessInstance.id.in_(instance_ids))
    report = MigrationReport(process_id, to_version, dry_run)
    for instance_id in list(session.scalars(query)):
        report.instances.append(_migrate_one(engine, session, instance_id, target, new, versions, actor, now,
                                             dry_run))
    return report


def _migrate_one(engine: ProcessEngine, session: Session, instance_id: int, target: ProcessDefinition,
                 new: LoadedSpec, versions: dict[int, int], actor: str, now: datetime,
                 dry_run: bool) -> InstanceMigration:
    query = select(ProcessInstance).where(ProcessInstance.id == instance_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.scalars(query).one()
    outcome = InstanceMigration(row.id, row.subject_type, row.subject_id, versions.get(row.definition_id, 0),
                                target.version, moved=False)
    old = engine._spec(session, row.definition_id)
    script_engine = SafeScriptEngine(operations=engine.operations)
    script_engine.now = None  # timers are re-read below, never fired here
    workflow = state_io.load(row.state, old.spec, old.subprocess_specs, script_engine)
    done = set(session.scalars(select(HistoryEvent.task).where(HistoryEvent.instance_id == row.id,
                                                               HistoryEvent.task.is_not(None))))
    outcome.reasons = changed_steps(workflow, old, new, done)
    if outcome.reasons:
        return outcome
    try:
        workflow = _apply(workflow, new, script_engine)
    except Exception as err:  # noqa: BLE001 - the library could not move it: report, leave it alone
        outcome.reasons = [f"the engine could not move the instance: {type(err).__name__}: {err}"]
        return outcome
    run = _Run(row, new, workflow, script_engine)
    ready = engine._ready(run)
    outcome.moved = True
    outcome.open_tasks = [t.bpmn_id for t in ready]
    if dry_run:
        return outcome
    row.definition_id = target.id
    row.state = state_io.dump(workflow)
    row.updated_at = now
    sync_inbox(session, row, ready, actor, "migrate", now)
    for t in ready:  # a task kept its id but may have a new title or lane
        session.execute(update(InboxTask).where(InboxTask.task_uuid == t.uuid, InboxTask.state == "open")
                        .values(bpmn_id=t.bpmn_id, title=t.title, role=t.role))
    sync_timers(session, row, engine._waiting_timers(run), now)
    append_event(session, row.subject_type, row.subject_id or 0, now, actor, None, "migrate",
                 status_from=row.status, status_to=row.status, instance_id=row.id,
                 data={"version_from": outcome.from_version, "version_to": target.version})
    try:
        session.flush()
    except Exception as err:
        if type(err).__name__ == "StaleDataError":
            raise ConcurrentUpdate("Экземпляр процесса изменён параллельно, повторите перенос") from err
        raise
    forget_instance(engine, session, row.id)
    return outcome


def changed_steps(workflow, old: LoadedSpec, new: LoadedSpec, done: set[str]) -> list[str]:
    """Why the instance may not move: reached steps that are gone or different in the new version."""
    reasons: list[str] = []
    named: set[str] = set()
    top, subs = diff_workflow(_REGISTRY, workflow, new.spec, new.subprocess_specs)
    pairs = [(top, workflow)] + [(subs[sp_id], sp) for sp_id, sp in workflow.subprocesses.items()]
    for diff, wf in pairs:
        if diff is None:
            reasons.append(f"sub-process '{wf.spec.name}' is running and does not exist in the new version")
            continue
        changes = _spec_changes(wf.spec, new)
        for task in diff.removed + diff.changed:
            name = _name(task.task_spec)
            if not task.has_state(REACHED) or name in named:
                continue
            named.add(name)
            state = TaskState.get_name(task.state)
            if task in diff.removed:
                reasons.append(f"step '{name}' ({state}) does not exist in the new version")
            else:
                reasons.append(f"step '{name}' ({state}) changed: {', '.join(changes.get(task.task_spec.name, []))}")
    spec_changes = _all_changes(old, new)
    for bpmn_id in sorted(done - named):
        if bpmn_id in spec_changes:
            reasons.append(f"completed step '{bpmn_id}' {spec_changes[bpmn_id]} in the new version")
    return reasons


def _name(spec) -> str:
    return getattr(spec, "bpmn_id", None) or spec.name


def _spec_changes(spec, new: LoadedSpec) -> dict[str, list[str]]:
    candidate = new.spec if spec.name == new.spec.name else new.subprocess_specs.get(spec.name)
    if candidate is None:
        return {}
    diff = SpecDiff(_REGISTRY, spec, candidate)
    return {ts.name: attrs for ts, attrs in diff.changed.items()}


def _all_changes(old: LoadedSpec, new: LoadedSpec) -> dict[str, str]:
    """BPMN id -> what happened to it, over the process and its sub-processes."""
    out: dict[str, str] = {}
    diffs = [SpecDiff(_REGISTRY, old.spec, new.spec)]
    deps, _added = diff_dependencies(_REGISTRY, old.subprocess_specs, new.subprocess_specs)
    diffs += [d for d in deps.values() if d is not None]
    for diff in diffs:
        for ts in diff.removed:
            out[_name(ts)] = "does not exist"
        for ts, attrs in diff.changed.items():
            out.setdefault(_name(ts), "changed (" + ", ".join(attrs) + ")")
    return out


def _apply(workflow, new: LoadedSpec, script_engine: SafeScriptEngine):
    """Swap the specs with the library's helpers and prove the result loads on the new version."""
    top, subs = diff_workflow(_REGISTRY, workflow, new.spec, new.subprocess_specs)
    migrate_workflow(top, workflow, new.spec)
    for sp_id, diff in subs.items():
        sub = workflow.subprocesses[sp_id]
        migrate_workflow(diff, sub, new.subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = new.subprocess_specs
    known = [new.spec, *new.subprocess_specs.values()]
    for wf in [workflow, *workflow.subprocesses.values()]:
        for task in wf.tasks.values():
            if not any(spec.task_specs.get(task.task_spec.name) is task.task_spec for spec in known):
                raise ValueError(f"task '{task.task_spec.name}' has no counterpart in the new version")
    workflow = state_io.load(state_io.dump(workflow), new.spec, new.subprocess_specs, script_engine)
    workflow.refresh_timers()  # re-read the timers' due times (the engine's clock is unset: none fires)
    return workflow


def forget_instance(engine: ProcessEngine, session: Session, instance_id: int) -> None:
    """Drop the engine's per-instance caches now and again once the transaction commits."""
    _forget(engine, instance_id)
    session.info.setdefault(_FORGET, []).append((engine, instance_id))


def _forget(engine: ProcessEngine, instance_id: int) -> None:
    engine._definition_of.pop(instance_id, None)
    engine.live.take(instance_id, -1)  # pops whatever is cached for the instance


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    for engine, instance_id in session.info.pop(_FORGET, []):
        _forget(engine, instance_id)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_FORGET, None)
