"""What-if: drive a candidate diagram with an appeal's recorded decisions, in memory (issue 7).

Nothing here touches the database: the caller hands in a parsed candidate (`parse_diagram`),
the start data and the recorded decisions. A decision is matched to a READY human task of the
candidate by the recorded task's `step` and the action (falling back to the same BPMN id), so
renamed tasks still match. The engine's clock follows the recorded times: before each decision
the candidate's timers that are due by then fire (with the candidate's deadline). Where a
recorded action is not possible in the candidate, the run stops there and says why.
SpiffWorkflow objects never leave this module.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from . import state as state_io
from .expressions import SafeScriptEngine
from .specs import SHARED_KEY, LoadedSpec


@dataclass(frozen=True)
class Decision:
    """One recorded fact to replay: a human task completed with an action, or a timer run."""

    at: datetime
    kind: str  # "complete" | "timer"
    action: str | None = None
    task: str | None = None  # the recorded BPMN id
    step: str | None = None  # that task's step in the recorded version
    fields: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # process data the services set with it


@dataclass
class SimulatedRun:
    route: list[str] = field(default_factory=list)  # human tasks completed (candidate BPMN ids)
    open_tasks: list[str] = field(default_factory=list)  # human tasks waiting at the end
    status: str | None = None
    completed: bool = False
    stopped: dict[str, Any] | None = None  # where a recorded decision was not possible, and why
    tasks: list[tuple[str, str | None]] = field(default_factory=list)  # every human task opened: (id, org)
    escalations: int = 0  # escalate_overdue calls (overdue escalations that would have fired)
    decisions: int = 0  # recorded decisions applied


class _Sim:
    def __init__(self, loaded: LoadedSpec, operations: frozenset[str], start_data: dict[str, Any],
                 started_at: datetime):
        self.loaded = loaded
        self.engine = SafeScriptEngine(operations=operations)
        self.engine.now = started_at
        self.workflow = BpmnWorkflow(loaded.spec, loaded.subprocess_specs, script_engine=self.engine)
        start = self.workflow.get_tasks(state=TaskState.READY)[0]
        start.data.update(start_data)
        self.workflow.data[SHARED_KEY] = dict(start_data)
        self.result = SimulatedRun()
        self._seen: set[str] = set()

    def _status(self, status: str | None, data: dict[str, Any]) -> None:
        if not status:
            return
        if status.startswith("$"):
            value = data.get(status[1:])
            status = str(value) if value not in (None, "") else None
        if status:
            self.result.status = status

    def advance(self, now: datetime) -> None:
        self.engine.now = now

        def did_complete(task) -> None:
            self._status(self.loaded.node_status.get(task.task_spec.bpmn_id or ""), task.data)
        for _ in range(100):
            self.workflow.refresh_timers()
            self.workflow.do_engine_steps(did_complete_task=did_complete)
            if not any(not t.task_spec.manual for t in self.workflow.get_tasks(state=TaskState.READY)):
                break
        state_io.prune(self.workflow)
        for task in self.ready():
            if str(task.id) not in self._seen:
                self._seen.add(str(task.id))
                human = self.loaded.human_tasks[task.task_spec.bpmn_id]
                self.result.tasks.append((human.bpmn_id, task.data.get(human.org_var) if human.org_var else None))

    def ready(self) -> list:
        return self.workflow.get_tasks(state=TaskState.READY, manual=True)

    def find(self, decision: Decision):
        ready = self.ready()
        humans = [(t, self.loaded.human_tasks[t.task_spec.bpmn_id]) for t in ready]
        for same_step in (True, False):
            for task, human in humans:
                matches = human.step == decision.step if same_step else human.bpmn_id == decision.task
                if matches and decision.action in human.actions:
                    return task
        return None

    def complete(self, task, decision: Decision) -> None:
        human = self.loaded.human_tasks[task.task_spec.bpmn_id]
        task.data.update(decision.fields)
        task.data.update(decision.extra)
        self.workflow.data.setdefault(SHARED_KEY, {}).update(decision.extra)
        task.data["action"] = decision.action
        self._status(human.actions[decision.action].status, task.data)
        task.run()
        self.result.route.append(human.bpmn_id)
        self.result.decisions += 1

    def describe_ready(self) -> list[str]:
        out = []
        for task in self.ready():
            human = self.loaded.human_tasks[task.task_spec.bpmn_id]
            out.append(f"{human.bpmn_id} (step {human.step}: {', '.join(human.actions)})")
        return out


def run_decisions(loaded: LoadedSpec, operations: frozenset[str], start_data: dict[str, Any],
                  started_at: datetime, decisions: list[Decision], until: datetime) -> SimulatedRun:
    """Start the candidate with `start_data` at `started_at`, apply the decisions in order, run
    the clock to `until`; what the candidate would have done."""
    sim = _Sim(loaded, operations, start_data, started_at)
    try:
        sim.advance(started_at)
        for index, decision in enumerate(decisions, start=1):
            sim.advance(decision.at)
            if decision.kind != "complete":
                continue
            task = sim.find(decision)
            if task is None:
                ready = sim.describe_ready()
                sim.result.stopped = {
                    "index": index, "at": decision.at, "task": decision.task, "step": decision.step,
                    "action": decision.action,
                    "reason": (f"no open task of step '{decision.step}' allows '{decision.action}'; open: "
                               + ("; ".join(ready) if ready else "none"
                                  + (" (the process has ended)" if sim.workflow.is_completed() else ""))),
                }
                break
            sim.complete(task, decision)
            sim.advance(decision.at)
        if sim.result.stopped is None:
            sim.advance(max(until, decisions[-1].at if decisions else started_at))
    except WorkflowException as err:
        sim.result.stopped = {"index": sim.result.decisions + 1, "at": sim.engine.now, "task": None, "step": None,
                              "action": None, "reason": f"the candidate failed: {err}"}
    sim.result.open_tasks = [t.task_spec.bpmn_id for t in sim.ready()]
    sim.result.completed = sim.workflow.is_completed()
    sim.result.escalations = sum(1 for e in sim.engine.effects if e.operation == "escalate_overdue")
    return sim.result
