"""Instance state: serialized without the spec, and kept shallow.

SpiffWorkflow 3.2 keeps every task ever run in the tree, so a loop (rework,
redirect, clarification) deepens it on each pass: per-step cost grows and at
depth 1000 `TaskIterator` stops looking (get_tasks finds nothing,
is_completed() says True). `prune` cuts finished history above the live part
of the tree after every run: the lowest common ancestor of all unfinished
tasks, raised by a few levels so joins still see their inputs, becomes the
new root. History lives in our own append-only table, not in the tree.
"""
from __future__ import annotations

import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.specs.Join import Join
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

KEEP_ABOVE = 4  # finished levels kept above the live frontier


class StatelessSpecWorkflowConverter(BpmnWorkflowConverter):
    """Top-level workflow converter that neither writes nor rebuilds the spec."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None, script_engine=None):
        workflow = self.target_class(spec, subprocess_specs, script_engine=script_engine, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _registry():
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = StatelessSpecWorkflowConverter
    return BpmnWorkflowSerializer.configure(config)


_REGISTRY = _registry()
_SERIALIZER = BpmnWorkflowSerializer(_REGISTRY)


def dump(workflow: BpmnWorkflow) -> str:
    """Serialize instance state (tasks, data, subprocesses) without the spec."""
    return json.dumps(_SERIALIZER.to_dict(workflow), separators=(",", ":"), ensure_ascii=False,
                      default=str)


def load(state: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    """Rebuild a workflow from `dump` output and an already parsed (cached) spec."""
    dct = json.loads(state)
    return _REGISTRY.restore(dct, spec=spec, subprocess_specs=subprocess_specs, script_engine=script_engine)


def _prune_one(wf, keep_above: int) -> int:
    """Cut finished ancestors of one (sub)workflow's live frontier; returns tasks removed."""
    tasks = wf.tasks
    live = [t for t in tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not live:
        return 0
    # Lowest common ancestor of every unfinished task.
    def chain(task):
        path = []
        while task is not None:
            path.append(task)
            task = task.parent
        return path[::-1]

    common = chain(live[0])
    for task in live[1:]:
        other = chain(task)
        n = 0
        while n < len(common) and n < len(other) and common[n] is other[n]:
            n += 1
        common = common[:n]
    if not common:
        return 0
    idx = max(0, len(common) - 1 - keep_above)
    # A join (parallel or inclusive gateway) reads the parent of every earlier task of its own spec
    # (`task.parent.state`); as the new root it would have none. Cut above it instead.
    while idx > 0 and isinstance(common[idx].task_spec, Join):
        idx -= 1
    new_root = common[idx]
    if new_root is wf.task_tree:
        return 0
    keep: set[UUID] = set()
    stack = [new_root]
    while stack:
        task = stack.pop()
        keep.add(task.id)
        stack.extend(task.children)
    removed = [tid for tid in tasks if tid not in keep]
    for tid in removed:
        del tasks[tid]
    # The root carries the full data (the serializer stores deltas below it).
    new_root._parent = None
    wf.task_tree = new_root
    if wf.last_task is not None and wf.last_task.id not in keep:
        wf.last_task = None
    return len(removed)


def prune(workflow: BpmnWorkflow, keep_above: int = KEEP_ABOVE) -> int:
    """Keep the task tree shallow in the top workflow and every live subprocess."""
    removed = _prune_one(workflow, keep_above)
    for sp_id in list(workflow.subprocesses):
        sub = workflow.subprocesses[sp_id]
        owner = workflow.get_task_from_id(sp_id) if _has_task(workflow, sp_id) else None
        if owner is None or (sub.completed and owner.has_state(TaskState.FINISHED_MASK)):
            del workflow.subprocesses[sp_id]
            removed += 1
            continue
        removed += _prune_one(sub, keep_above)
    return removed


def _has_task(workflow: BpmnWorkflow, task_id: UUID) -> bool:
    if task_id in workflow.tasks:
        return True
    return any(task_id in sp.tasks for sp in workflow.subprocesses.values())


def depth(workflow: BpmnWorkflow) -> int:
    """Depth of the deepest task (diagnostics and tests)."""
    best = 0
    stack = [(workflow.task_tree, 1)]
    while stack:
        task, d = stack.pop()
        best = max(best, d)
        stack.extend((c, d + 1) for c in task.children)
    return best
