"""The step registry (services/steps.py): each pack's steps, table dispatch bound to the steps that
declare an action, and the shipped diagrams agreeing with it."""
from __future__ import annotations

from datetime import UTC, datetime

from classifiers.packs import PACKS, get_pack
from engine.lint import BPMN_NS, load_xml, properties
from engine.specs import parse_diagram
from services.steps import StepCall, StepRegistry, check_task


def _registry(code: str) -> StepRegistry:
    return StepRegistry(get_pack(code).steps)


class _Appeal:
    manager_login = None


def test_an_action_runs_its_handler_only_in_the_steps_that_declare_it():
    steps = _registry("leningrad")
    appeal = _Appeal()
    call = StepCall(None, None, type("A", (), {"login": "m"})(), appeal, "take", "take", "manager", {},
                    datetime(2025, 8, 18, tzinfo=UTC))
    steps.apply(call)
    assert appeal.manager_login == "m" and call.extra == {"manager": "m"}
    other = _Appeal()
    steps.apply(StepCall(None, None, None, other, "approval", "take", "head", {}, call.now))  # not declared there
    assert other.manager_login is None
    assert steps.action("approval", "take") is None and steps.action("take", "take").handler is not None


def test_packs_extend_the_shared_appeal_steps():
    leningrad, moscow, kazakhstan = (_registry(c) for c in ("leningrad", "moscow", "kazakhstan"))
    assert moscow.action("moderation", "kb_answer") and not leningrad.action("moderation", "kb_answer")
    assert [f.name for f in moscow.action("moderation", "accept").fields][:3] == ["executor_org", "route", "co_orgs"]
    assert [f.name for f in leningrad.action("moderation", "accept").fields] == [
        "executor_org", "manager", "subject", "description"]
    assert "first_response" in moscow and "first_response" not in leningrad
    assert "initiative_review" in kazakhstan and "moderation" in kazakhstan and "application" not in kazakhstan


def test_every_shipped_diagram_agrees_with_its_packs_registry_and_leaves_the_form_to_it():
    for pack in PACKS.values():
        steps = StepRegistry(pack.steps)
        for path in pack.diagrams:
            loaded = parse_diagram(path.read_bytes(), path.name)
            for task in loaded.human_tasks.values():
                assert check_task(steps, task) == [], (pack.code, task.bpmn_id)
                assert task.role in steps.get(task.step).roles, (pack.code, task.bpmn_id)
            for element in load_xml(path.read_bytes()).iter(f"{{{BPMN_NS}}}userTask"):
                for name, value, _ in properties(element):
                    assert not (name.startswith("action:") and "fields=" in value), (path.name, element.get("id"))
