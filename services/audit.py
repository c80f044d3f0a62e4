"""Auditors' tools (issue 7): verify the history's hash chains, replay processes from their history.

Everything here only reads, through a read-only connection (the database refuses writes; on SQLite
it never takes the write lock), so a long `audit verify` or `replay --all` does not hold up users.
"""
from __future__ import annotations

import gc
import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from engine.audit import ChainReport, verify_chains
from engine.db import Database
from engine.models import ProcessDefinition, ProcessInstance
from engine.replay import BATCH, ReplayResult, replay_instance, replay_instances
from engine.runtime import ProcessEngine
from services.analyst.diagrams import flow_graph, path_of
from services.appeals.appeal import STATUS_RU, load_visible
from services.errors import NotFound, NotPermitted

from .context import Actor, Context
from .models import Appeal

REPLAY_ROLES = ("auditor", "admin", "head")
PARALLEL_FROM = 100  # fewer instances are replayed in this process (starting workers costs more)


def verify_history(ctx: Context) -> ChainReport:
    """Walk every history chain and name each row that was changed, removed or inserted."""
    reader = Database(ctx.db.url, read_only=True)  # one long read that never holds SQLite's write lock
    try:
        with reader.unit_of_work() as uow:
            return verify_chains(uow.session)
    finally:
        reader.dispose()


@dataclass
class ReplaySummary:
    instances: int = 0
    matched: int = 0
    not_replayable: list[int] = field(default_factory=list)
    mismatches: list[ReplayResult] = field(default_factory=list)
    subjects: dict[int, tuple[str, int | None]] = field(default_factory=dict)  # instance -> subject

    @property
    def ok(self) -> bool:
        return not self.mismatches


def replay_all(ctx: Context, instance_ids: list[int] | None = None, jobs: int = 1) -> ReplaySummary:
    """Rebuild every process (or the given ones) from its history and compare with the stored state;
    for appeals the appeal's own status is compared too. `jobs` > 1 replays in that many processes
    (the work is the library's, bound by one core per process)."""
    summary = ReplaySummary()
    with ctx.db.unit_of_work() as uow:
        query = select(ProcessInstance.id, ProcessInstance.subject_type, ProcessInstance.subject_id)
        if instance_ids is not None:
            query = query.where(ProcessInstance.id.in_(instance_ids))
        for iid, st, sid in uow.session.execute(query.order_by(ProcessInstance.id)):
            summary.subjects[iid] = (st, sid)
    ids = list(summary.subjects)
    size = max(1, min(BATCH, -(-len(ids) // (jobs * 4))))
    chunks = [ids[i:i + size] for i in range(0, len(ids), size)]
    if jobs > 1 and len(ids) >= PARALLEL_FROM:
        outputs = _in_processes(ctx, chunks, jobs)
    else:
        reader = Database(ctx.db.url, read_only=True)  # the database refuses writes; SQLite's lock stays free
        try:
            outputs = [_replay_chunk(reader, ctx.engine, chunk) for chunk in chunks]
        finally:
            reader.dispose()
    for results, statuses in outputs:
        for result in results:
            _count(summary, result, statuses)
    return summary


def _replay_chunk(db: Database, engine: ProcessEngine, ids: list[int]) -> tuple[list[ReplayResult], dict]:
    with db.unit_of_work() as uow:
        results = replay_instances(uow.session, engine, ids)
        statuses = dict(uow.session.execute(select(Appeal.instance_id, Appeal.status)
                                            .where(Appeal.instance_id.in_(ids))).all())
    return results, statuses


def _count(summary: ReplaySummary, result: ReplayResult, statuses: dict[int, str]) -> None:
    summary.instances += 1
    if not result.replayable:
        summary.not_replayable.append(result.instance_id)
        return
    if result.instance_id in statuses and statuses[result.instance_id] != result.status:
        result.differences.append(f"статус обращения: сохранён {statuses[result.instance_id]}, "
                                  f"воспроизведение даёт {result.status}")
        result.matches = False
    if result.matches:
        summary.matched += 1
    else:
        summary.mismatches.append(result)


_PARENT: Context | None = None  # what forked workers inherit
_WORKER: tuple[Database, ProcessEngine] | None = None


def _in_processes(ctx: Context, chunks: list[list[int]], jobs: int) -> list:
    global _PARENT
    _PARENT = ctx
    gc.freeze()  # forked workers would otherwise copy every page the collector touches
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start_worker) as pool:
            return list(pool.map(_worker_chunk, chunks))
    finally:
        gc.unfreeze()
        _PARENT = None


def _start_worker() -> None:
    """In a forked worker: leave the parent's pooled connections alone, open our own (read-only)."""
    global _WORKER
    assert _PARENT is not None
    _PARENT.db.engine.dispose(close=False)
    _WORKER = (Database(_PARENT.db.url, read_only=True), _PARENT.engine)  # the engine brings its parsed specs


def _worker_chunk(ids: list[int]) -> tuple[list[ReplayResult], dict]:
    assert _WORKER is not None
    return _replay_chunk(_WORKER[0], _WORKER[1], ids)


def replay_appeal_instance(ctx: Context, appeal_id: int) -> list[int]:
    """The process instance of an appeal (for `koridor replay ID`)."""
    with ctx.db.unit_of_work() as uow:
        instance_id = uow.session.scalar(select(Appeal.instance_id).where(Appeal.id == appeal_id))
    if instance_id is None:
        raise NotFound(f"Обращение {appeal_id} не найдено или у него нет процесса")
    return [instance_id]


def appeal_replay(ctx: Context, actor: Actor, appeal_id: int, step: int | None = None) -> dict[str, Any]:
    """An appeal's history replayed step by step for an auditor: at step N the status, the open tasks,
    the process data and the diagram with the path so far; plus whether the replay matches."""
    if not actor.has(*REPLAY_ROLES):
        raise NotPermitted("Воспроизведение истории доступно аудитору, администратору и руководителю")
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        appeal = load_visible(s, actor, appeal_id)
        if appeal.instance_id is None:
            raise NotFound("У обращения нет процесса")
        result = replay_instance(s, ctx.engine, appeal.instance_id)
        definition = s.execute(select(ProcessDefinition.xml, ProcessDefinition.version)
                               .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
                               .where(ProcessInstance.id == appeal.instance_id)).one()
        view = {"id": appeal.id, "number": appeal.number or appeal.id, "status": appeal.status,
                "status_name": STATUS_RU.get(appeal.status, appeal.status)}
    steps = result.steps
    page: dict[str, Any] = {"appeal": view, "xml": definition.xml, "version": definition.version,
                            "matches": result.matches, "replayable": result.replayable,
                            "differences": result.differences, "total": len(steps),
                            "steps": [{"index": x.index, "at": x.at, "actor": x.actor, "role": x.role,
                                       "action": x.action, "task": x.task, "status": x.status,
                                       "engine_step": x.engine_step}
                                      for x in steps]}
    if not steps:
        return {**page, "step": None, "done": set(), "current": set(), "counts": {}}
    n = min(max(step or len(steps), 1), len(steps))
    snap = steps[n - 1]
    current = {t.bpmn_id for t in snap.tasks}
    done = path_of(flow_graph(definition.xml), list(snap.path), set(snap.activated) - current, list(snap.fired),
                   current)
    counts = Counter(task for task, _action in snap.path)
    for task in current:
        counts[task] += 1
    return {**page, "step": {**asdict(snap), "tasks": [asdict(t) for t in snap.tasks]},
            "done": done, "current": current, "counts": dict(counts)}
