"""workflows/bpmn/leningrad/onboarding.bpmn: its lanes driven with a storage round trip at every step, the
branches and the next-working-day timers; its layout is what tools/bpmn_layout.py generates."""
from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from classifiers.packs import get_pack
from engine import state as state_io
from engine.expressions import SafeScriptEngine
from engine.lint import LintRules
from engine.specs import SHARED_KEY, parse_diagram
from services.models import ROLES
from services.projects.onboarding import STATUS_RU
from services.steps import StepRegistry, form_fields

ROOT = Path(__file__).resolve().parents[2]
ONBOARDING = (ROOT / "workflows" / "bpmn" / "leningrad" / "onboarding.bpmn").read_bytes()
RULES = LintRules(process_ids=frozenset({"onboarding"}), roles=frozenset(ROLES), statuses=frozenset(STATUS_RU),
                  operations=frozenset({"escalate_overdue", "auto_close"}))


def _start(data: dict):
    loaded = parse_diagram(ONBOARDING, "onboarding.bpmn", RULES)
    engine = SafeScriptEngine(operations=RULES.operations)
    engine.now = datetime(2025, 8, 18, 8, 0, tzinfo=UTC)
    workflow = BpmnWorkflow(loaded.spec, loaded.subprocess_specs, script_engine=engine)
    workflow.get_tasks(state=TaskState.READY)[0].data.update(data)
    workflow.data[SHARED_KEY] = dict(data)
    workflow.do_engine_steps()
    return loaded, workflow, engine


def _step(loaded, workflow, bpmn_id: str, action: str, **data):
    workflow = state_io.load(state_io.dump(workflow), loaded.spec, loaded.subprocess_specs, workflow.script_engine)
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert task.task_spec.bpmn_id == bpmn_id
    task.data.update(data, action=action)
    workflow.data[SHARED_KEY].update(data)
    task.run()
    workflow.refresh_timers()
    workflow.do_engine_steps()
    state_io.prune(workflow)
    return workflow


def test_the_lanes_and_steps_are_the_seed_000_roles():
    loaded = parse_diagram(ONBOARDING, "onboarding.bpmn", RULES)
    assert {k: (t.role, t.step, sorted(t.actions)) for k, t in loaded.human_tasks.items()} == {
        "confirm_registration": ("deputy_director", "registration_confirmation", ["confirm", "reject"]),
        "file_application": ("investor", "application", ["submit"]),
        "check_application": ("manager", "application_check", ["confirm", "reject"]),
    }
    confirm = loaded.human_tasks["confirm_registration"]
    steps = StepRegistry(get_pack("leningrad").steps)  # the form is the step registry's (services/steps.py)
    assert form_fields(steps, confirm.step, confirm.actions["confirm"])[0].type == "user"


@pytest.mark.parametrize(("path", "end"), [
    ([("confirm_registration", "confirm"), ("file_application", "submit"), ("check_application", "confirm")],
     "end_project_created"),
    ([("confirm_registration", "reject")], "end_registration_rejected"),
    ([("confirm_registration", "confirm"), ("file_application", "submit"), ("check_application", "reject")],
     "end_application_rejected"),
])
def test_each_branch_ends_where_it_should_with_a_round_trip_at_every_step(path, end):
    loaded, workflow, _engine = _start({"confirm_due_at": "2025-08-19T23:59:59+03:00"})
    for bpmn_id, action in path:
        workflow = _step(loaded, workflow, bpmn_id, action, check_due_at="2025-08-20T23:59:59+03:00")
    assert workflow.is_completed()
    finished = {t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.COMPLETED)}
    assert end in finished


def test_a_missed_confirmation_escalates_without_stopping_the_task():
    loaded, workflow, engine = _start({"confirm_due_at": "2025-08-19T23:59:59+03:00"})
    engine.now = datetime(2025, 8, 19, 21, 0, tzinfo=UTC)
    workflow.refresh_timers()
    workflow.do_engine_steps()
    assert [e.task for e in engine.effects] == ["escalate_confirmation"]
    [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
    assert task.task_spec.bpmn_id == "confirm_registration"


def test_diagram_is_up_to_date_with_the_generator():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "bpmn_layout.py"),
                             str(ROOT / "workflows" / "bpmn" / "leningrad" / "onboarding.bpmn"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
