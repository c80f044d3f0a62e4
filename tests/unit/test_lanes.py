"""A node's lane when the lanes' member lists omit it (engine/lanes.py): its position, else its sub-process.

The standard modeler (bpmn-js) drops the children of a sub-process from the lanes' `flowNodeRef` lists;
the files in tests/fixtures/bpmn_js were saved by it (README there)."""
from __future__ import annotations

from pathlib import Path

from engine.diff import same_diagram
from engine.lanes import lane_map
from engine.lint import load_xml
from engine.specs import parse_diagram
from tests.unit.test_lint import APPEAL, RULES, modified, problems_of

SAVED = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn_js"
ROLES = {"moderate": "moderator", "reply_clarification": "investor", "rate": "investor", "take": "manager",
         "work": "manager", "decide_extension": "head", "approve_answer": "head"}


def roles_of(xml: bytes) -> dict[str, str]:
    return {task_id: task.role for task_id, task in parse_diagram(xml, "appeal.bpmn", RULES).human_tasks.items()}


def test_the_shipped_diagram_lists_every_task_and_keeps_its_roles():
    assert roles_of(APPEAL.encode()) == ROLES


def test_a_task_moved_inside_the_sub_process_by_the_modeler_keeps_its_lane():
    xml = (SAVED / "appeal_work_moved.bpmn").read_bytes()
    assert b"<bpmn:flowNodeRef>work</bpmn:flowNodeRef>" not in xml  # what the modeler does
    assert roles_of(xml) == ROLES


def test_a_moved_sub_process_listed_in_one_lane_does_not_pull_its_children_into_it():
    """The modeler lists `execution` in `head` and none of its children; SpiffWorkflow alone would give
    every child the sub-process's lane (the manager's tasks would go to the head)."""
    xml = (SAVED / "appeal_execution_moved.bpmn").read_bytes()
    assert b"<bpmn:flowNodeRef>execution</bpmn:flowNodeRef>" in xml
    assert b"<bpmn:flowNodeRef>take</bpmn:flowNodeRef>" not in xml
    assert roles_of(xml) == ROLES


def test_a_node_without_a_list_entry_or_a_shape_takes_the_lane_of_its_sub_process():
    xml = modified(("<bpmn:flowNodeRef>take</bpmn:flowNodeRef>", ""), ('bpmnElement="take"', 'bpmnElement="x"'),
                   ("<bpmn:flowNodeRef>exec_start</bpmn:flowNodeRef>",
                    "<bpmn:flowNodeRef>exec_start</bpmn:flowNodeRef><bpmn:flowNodeRef>execution</bpmn:flowNodeRef>"))
    lanes = lane_map(load_xml(xml))
    assert lanes["execution"] == "manager" and lanes["take"] == "manager"
    assert lanes["approve_answer"] == "head"  # its own list entry wins over the sub-process
    assert roles_of(xml) == ROLES


def test_a_top_level_node_missing_from_the_lists_takes_the_lane_it_is_drawn_in():
    xml = modified(("<bpmn:flowNodeRef>rate</bpmn:flowNodeRef>", ""))
    assert roles_of(xml)["rate"] == "investor"


def test_a_task_in_no_list_drawn_nowhere_and_in_no_sub_process_is_refused():
    xml = modified(("<bpmn:flowNodeRef>rate</bpmn:flowNodeRef>", ""), ('bpmnElement="rate"', 'bpmnElement="x"'))
    assert any(p.startswith("rate (строка ") and "дорожк" in p for p in problems_of(xml))


def test_a_file_the_modeler_only_re_wrote_is_the_same_diagram_and_a_moved_task_is_not():
    round_trip = (SAVED / "appeal_round_trip.bpmn").read_bytes()
    assert round_trip != APPEAL.encode()
    assert same_diagram(APPEAL, round_trip)
    assert not same_diagram(APPEAL, (SAVED / "appeal_work_moved.bpmn").read_bytes())  # the layout changed
