"""Every diagram parses and validates; hostile or broken XML is refused with every problem listed."""
from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine import state as state_io
from engine.errors import DiagramRejected
from engine.expressions import SafeScriptEngine
from engine.specs import parse_diagram

BPMN_DIR = Path(__file__).resolve().parents[2] / "workflows" / "bpmn"
APPEAL = (BPMN_DIR / "appeal.bpmn").read_bytes()


@pytest.mark.parametrize("path", sorted(BPMN_DIR.rglob("*.bpmn")), ids=lambda p: p.relative_to(BPMN_DIR).as_posix())
def test_every_diagram_parses_and_its_file_name_is_its_process_id(path):
    """A pack's own diagrams live in workflows/bpmn/<pack>/ (the Moscow appeal: moscow/appeal.bpmn)."""
    loaded = parse_diagram(path.read_bytes(), path.name)
    assert loaded.process_id == path.stem
    assert loaded.human_tasks, "a diagram without human tasks routes nothing"
    for task in loaded.human_tasks.values():
        assert task.role and task.actions


def _restore(workflow, loaded):
    return state_io.load(state_io.dump(workflow), loaded.spec, loaded.subprocess_specs, workflow.script_engine)


def _complete(workflow, bpmn_id, action, **data):
    [task] = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)]
    assert task.task_spec.bpmn_id == bpmn_id
    task.data.update(data, action=action)
    task.run()
    workflow.refresh_timers()
    workflow.do_engine_steps()
    state_io.prune(workflow)


def test_appeal_lanes_driven_with_a_storage_round_trip_at_every_step():
    loaded = parse_diagram(APPEAL, "appeal.bpmn")
    engine = SafeScriptEngine(operations=frozenset({"escalate_overdue", "auto_close"}))
    engine.now = None
    workflow = BpmnWorkflow(loaded.spec, loaded.subprocess_specs, script_engine=engine)
    workflow.do_engine_steps()
    path = [("moderate", "clarify", {}), ("reply_clarification", "reply", {}),
            ("moderate", "accept", {"executor_org": "oiv"}), ("take", "redirect", {"executor_org": "omsu"}),
            ("take", "take", {}), ("work", "extend", {}), ("decide_extension", "deny", {}),
            ("work", "answer", {"outcome": "resolved"}), ("approve_answer", "return", {}),
            ("work", "answer", {"outcome": "resolved"}), ("approve_answer", "approve", {}),
            ("rate", "rework", {}), ("take", "take", {}), ("work", "answer", {"outcome": "deferred"}),
            ("approve_answer", "approve", {}), ("rate", "accept", {})]
    for bpmn_id, action, data in path:
        workflow = _restore(workflow, loaded)
        lane = loaded.human_tasks[bpmn_id].role
        assert lane in {"moderator", "investor", "manager", "head"}
        _complete(workflow, bpmn_id, action, **data)
    workflow = _restore(workflow, loaded)
    assert workflow.is_completed()


@pytest.mark.parametrize("xml, expected", [
    (b"not xml at all", "XML"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "DTD"),
    (APPEAL.replace(b'name="investor"', b'name="investor" bogus="1"'), "проверку"),
])
def test_hostile_or_broken_diagrams_are_refused(xml, expected):
    with pytest.raises(DiagramRejected) as err:
        parse_diagram(xml, "x.bpmn")
    assert expected in err.value.message or expected in str(err.value.errors)
    assert b"root:" not in str(err.value.errors).encode()


def test_unsafe_condition_and_script_task_are_listed_together():
    xml = APPEAL.replace(b"action == 'reject'", b"__import__('os').system('id')")
    xml = xml.replace(b'<bpmn:serviceTask id="close_without_rating"', b'<bpmn:scriptTask id="close_without_rating"')
    xml = xml.replace(b"</bpmn:serviceTask>\n    <bpmn:endEvent id=\"end_auto_closed\"",
                      b"</bpmn:scriptTask>\n    <bpmn:endEvent id=\"end_auto_closed\"")
    with pytest.raises(DiagramRejected) as err:
        parse_diagram(xml, "x.bpmn")
    problems = " ".join(err.value.errors["file"])
    assert "gw_moderation" in problems and "close_without_rating" in problems
