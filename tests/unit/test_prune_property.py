"""Pruning never changes what a process does (engine/state.py), for every shape the lint accepts.

Hypothesis builds diagrams from exclusive, inclusive, parallel and event-based gateways, boundary
timers (interrupting or not), sub-processes and nested loops (tests/diagram_shapes.py), checks that
the deployment lint accepts each, then drives three runs of it with the same moves (complete a
ready task with an action and fields, or let time pass so timers fire):

- the reference: the engine with pruning off;
- the cached path: the engine with pruning, one workflow object kept between steps (engine/live.py);
- the restored path: the engine with pruning, serialized and restored after every step.

After every move all three have the same ready tasks with the same data, the same waiting timers,
the same status and the same completion. The CI variant is small; `-m hardening` runs loops to
1,000 cycles.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from SpiffWorkflow.util.task import TaskIterator, TaskState

from engine import state as state_io
from engine.lint import LintRules
from engine.runtime import ProcessEngine, _all_tasks, _Run
from engine.specs import LoadedSpec, parse_diagram
from tests.diagram_shapes import LANE, STATUSES, build

NOW = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
RULES = LintRules(process_ids=frozenset({"shape"}), roles=frozenset({LANE}), statuses=STATUSES,
                  operations=frozenset())
KINDS = ("exclusive",)  # loop gateways; inclusive ones follow once their joins hold in loops (docs/reliability.md)


def _shapes(max_leaves: int):
    leaf = st.one_of(st.just(("task",)), st.builds(lambda n: ("event", n), st.integers(1, 3)),
                     st.builds(lambda i: ("boundary", i), st.booleans()))

    def extend(inner):
        seq = st.lists(inner, min_size=1, max_size=2)
        many = st.lists(seq, min_size=2, max_size=3)
        return st.one_of(
            st.builds(lambda b: ("xor", b), many), st.builds(lambda s: ("sub", s), seq),
            st.builds(lambda s, m, p: ("loop", s, m, p), seq, st.sampled_from(KINDS), st.sampled_from(KINDS)))
    return st.lists(st.recursive(leaf, extend, max_leaves=max_leaves), min_size=1, max_size=3)


@dataclass
class _Side:
    """One run of the diagram: the engine, its workflow and what it would store."""

    engine: ProcessEngine
    run: _Run
    restore: bool

    def step(self, now: datetime) -> None:
        self.run.engine.now = now
        self.engine._advance(self.run, "test", now)
        if self.run.status_changes:
            self.run.row.status = self.run.status_changes[-1][2]
            self.run.status_changes.clear()
        if self.restore:
            engine = type(self.run.engine)(operations=self.engine.operations)
            workflow = state_io.load(state_io.dump(self.run.workflow), self.run.loaded.spec,
                                     self.run.loaded.subprocess_specs, engine)
            self.run = _Run(self.run.row, self.run.loaded, workflow, engine)

    def ready(self) -> list:
        tasks = [t for t in _all_tasks(self.run.workflow) if t.state == TaskState.READY and t.task_spec.manual]
        return sorted(tasks, key=lambda t: (t.task_spec.bpmn_id, _canon(t.data)))

    def snapshot(self) -> dict:
        ready = self.ready()
        return {
            "ready": [(t.task_spec.bpmn_id, _canon(t.data)) for t in ready],
            "timers": sorted(self.engine._waiting_timers(self.run).values()),
            "status": self.run.row.status,
            "completed": not ready and self.run.workflow.is_completed(),
        }


def _canon(data: dict) -> str:
    return json.dumps(data, sort_keys=True, default=str)


def _sides(loaded: LoadedSpec, data: dict) -> list[_Side]:
    sides = []
    for prune, restore in ((False, False), (True, False), (True, True)):
        engine = ProcessEngine(operations=frozenset(), prune=prune)
        side = _Side(engine, engine._new_run(SimpleNamespace(status=None), loaded, data, NOW), restore)
        side.step(NOW)
        sides.append(side)
    return sides


def _drive(draw, shapes, merge: str, split: str, moves: int, cycles: int | None = None) -> int:
    """Build, lint and run one diagram; returns how often the outer loop went round. `cycles`: the
    outer loop goes round that often, then leaves (otherwise each loop decision is drawn)."""
    built = build(shapes, merge=merge, split=split)
    loaded = parse_diagram(built.xml, "shape.bpmn", RULES)  # the lint accepts every generated shape
    data = {var: (NOW + timedelta(hours=draw(st.integers(1, 72)))).isoformat() for var in built.timers}
    sides = _sides(loaded, data)
    now, rounds = NOW, 0
    for _ in range(moves):
        expected = sides[0].snapshot()
        for side in sides[1:]:
            assert side.snapshot() == expected
        if expected["completed"] or not expected["ready"] and not expected["timers"]:
            break
        if not expected["ready"] or (expected["timers"] and draw(st.integers(0, 9)) == 0):
            now += timedelta(hours=draw(st.integers(1, 36)))
            for side in sides:
                side.step(now)
            continue
        index = draw(st.integers(0, len(expected["ready"]) - 1))
        bpmn_id = expected["ready"][index][0]
        human = loaded.human_tasks[bpmn_id]
        if bpmn_id == built.outer and cycles is not None:
            action = "again" if rounds < cycles else "next"
        elif bpmn_id.startswith("ld"):  # a loop's decision: mostly round again
            action = "again" if draw(st.integers(0, 9)) < 7 else "next"
        else:
            action = draw(st.sampled_from(sorted(human.actions)))
        fields = {f.name: draw(st.integers(0, 1)) for f in human.actions[action].fields}
        for side in sides:
            task = side.ready()[index]
            side.engine._run_human(side.run, task, action, dict(fields), {})
            side.step(now)
        rounds += bpmn_id == built.outer and action == "again"
    return rounds


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shapes=_shapes(max_leaves=4), merge=st.sampled_from(KINDS), split=st.sampled_from(KINDS), data=st.data())
def test_pruned_runs_match_the_unpruned_run(shapes, merge, split, data):
    _drive(data.draw, shapes, merge, split, moves=30)


def test_a_loop_through_an_inclusive_gateway_is_pruned_without_a_crash():
    """The defect: the pruned tree's root was an earlier inclusive-gateway task, whose missing parent the
    gateway reads (AttributeError, a 500 at the API)."""
    loaded = parse_diagram(build([("task",), ("task",)], split="inclusive").xml, "shape.bpmn", RULES)
    sides = _sides(loaded, {})
    for _ in range(30):
        for bpmn_id in ("t", "t", "ld"):
            for side in sides:
                task = side.ready()[0]
                assert task.task_spec.bpmn_id.startswith(bpmn_id)
                side.engine._run_human(side.run, task, "again" if bpmn_id == "ld" else "done", {}, {})
                side.step(NOW)
    assert len(sides[1].run.workflow.tasks) < 40
    assert sides[1].snapshot() == sides[2].snapshot() == sides[0].snapshot()


@pytest.fixture
def deep_reference(monkeypatch):
    """The unpruned reference passes depth 1000 on a long loop: let the library's iterator look deeper."""
    defaults = list(TaskIterator.__init__.__defaults__)
    defaults[1] = 1_000_000  # max_depth
    monkeypatch.setattr(TaskIterator.__init__, "__defaults__", tuple(defaults))


@pytest.mark.hardening
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(shapes=_shapes(max_leaves=3), merge=st.sampled_from(KINDS), split=st.sampled_from(KINDS), data=st.data())
def test_pruned_runs_match_the_unpruned_run_over_1000_cycles(deep_reference, shapes, merge, split, data):
    assert _drive(data.draw, shapes, merge, split, moves=200_000, cycles=1000) == 1000
