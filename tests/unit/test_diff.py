"""Diff of two diagram versions by element (issue 7)."""
from __future__ import annotations

from engine.diff import diff_definitions
from tests.unit.test_lint import APPEAL, TIMER_RATING, modified


def _changed(result: dict, element_id: str) -> dict:
    return {c["aspect"]: (c["old"], c["new"]) for item in result["changed"] if item["id"] == element_id
            for c in item["changes"]}


def test_identical_versions_have_no_differences():
    result = diff_definitions(APPEAL, APPEAL.encode())
    assert result["identical"] and result["added"] == result["removed"] == result["changed"] == []


def test_diff_names_added_removed_and_changed_tasks_flows_conditions_properties_and_timers():
    xml = modified(
        # a new step between the head's approval and the end of execution
        ('<bpmn:sequenceFlow id="f_approved" name="согласовано" sourceRef="gw_approval" targetRef="exec_end" />',
         '<bpmn:sequenceFlow id="f_approved" name="согласовано" sourceRef="gw_approval" targetRef="notify_investor" />'
         '<bpmn:serviceTask id="notify_investor" name="Уведомить инвестора"><bpmn:extensionElements>'
         '<spiffworkflow:serviceTaskOperator id="auto_close" resultVariable="x" /></bpmn:extensionElements>'
         '</bpmn:serviceTask>'
         '<bpmn:sequenceFlow id="f_notified" sourceRef="notify_investor" targetRef="exec_end" />'),
        ("action == 'reject'", "action == 'reject' and reason"),
        ('name="action:take" value="status=taken"', 'name="action:take" value="status=in_execution"'),
        ('name="action:reject" value="status=rejected"', 'name="action:reject" value="status=rejected; fields=reason*:text, note:text"'),
        ('value="Согласовать ответ инвестору"', 'value="Согласовать ответ"'),
        (TIMER_RATING, TIMER_RATING.replace(">rating_due_at<", ">deadline_at<")),
        ('<bpmn:flowNodeRef>end_rejected</bpmn:flowNodeRef>', ''),
        ('<bpmn:endEvent id="end_rejected" name="Отклонено">\n      <bpmn:incoming>f_gw_reject</bpmn:incoming>\n'
         '    </bpmn:endEvent>', '<bpmn:endEvent id="end_refused" name="Отклонено">\n'
         '      <bpmn:incoming>f_gw_reject</bpmn:incoming>\n    </bpmn:endEvent>'),
        ('targetRef="end_rejected"', 'targetRef="end_refused"'),
    )
    result = diff_definitions(APPEAL, xml)
    added = {i["id"]: i for i in result["added"]}
    assert set(added) == {"notify_investor", "f_notified", "end_refused"}
    assert added["notify_investor"]["category"] == "task" and added["notify_investor"]["line"] > 0
    assert added["f_notified"]["aspects"]["source"] == "notify_investor"
    assert [i["id"] for i in result["removed"]] == ["end_rejected"]
    assert _changed(result, "f_approved") == {"target": ("exec_end", "notify_investor")}
    assert _changed(result, "f_gw_reject") == {"condition": ("action == 'reject'", "action == 'reject' and reason"),
                                               "target": ("end_rejected", "end_refused")}
    assert _changed(result, "take")["action:take.status"] == ("taken", "in_execution")
    assert _changed(result, "moderate")["action:reject.fields"] == (None, "reason*:text, note:text")
    assert _changed(result, "approve_answer")["property:title"] == ("Согласовать ответ инвестору",
                                                                    "Согласовать ответ")
    assert _changed(result, "timer_rating") == {"timer": ("timeDate: rating_due_at", "timeDate: deadline_at")}
    assert result["summary"]["flow"] == {"added": 1, "removed": 0, "changed": 2}
    assert result["summary"]["task"]["changed"] == 3 and result["summary"]["task"]["added"] == 1
    assert not result["identical"]
