"""Deployment lint (issue 7): each rule refuses its bad diagram naming the element and its line."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.errors import DiagramRejected
from engine.lint import LintRules
from engine.specs import parse_diagram
from services.appeals.appeal import STATUS_RU
from services.models import ROLES
from web.errors import status_of

APPEAL = (Path(__file__).resolve().parents[2] / "workflows" / "bpmn" / "appeal.bpmn").read_text(encoding="utf-8")
RULES = LintRules(process_ids=frozenset({"appeal"}), roles=frozenset(ROLES), statuses=frozenset(STATUS_RU),
                  operations=frozenset({"escalate_overdue", "auto_close"}))
TIMER_RATING = ('<bpmn:timeDate xsi:type="bpmn:tFormalExpression" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">rating_due_at</bpmn:timeDate>')


def modified(*pairs: tuple[str, str]) -> bytes:
    """appeal.bpmn with each (old, new) replaced once; the old text must be there."""
    xml = APPEAL
    for old, new in pairs:
        assert old in xml, old
        xml = xml.replace(old, new, 1)
    return xml.encode("utf-8")


def problems_of(xml: bytes, rules: LintRules = RULES) -> list[str]:
    with pytest.raises(DiagramRejected) as err:
        parse_diagram(xml, "appeal.bpmn", rules)
    assert status_of(err.value) == 422  # web/errors.py gives the engine's errors their HTTP status
    return err.value.errors["file"]


def line_of(element_id: str, xml: bytes) -> int:
    text = xml.decode("utf-8")
    return text[:text.index(f'id="{element_id}"')].count("\n") + 1


def test_the_pack_diagram_passes_every_rule():
    assert parse_diagram(APPEAL.encode(), "appeal.bpmn", RULES).process_id == "appeal"


BAD = {
    "unknown process id": (("<bpmn:process id=\"appeal\"", "<bpmn:process id=\"appeal_v2\""),
                           ('processRef="appeal"', 'processRef="appeal_v2"'), "appeal_v2", "неизвестный id процесса"),
    "lane is not a role": (('<bpmn:lane id="Lane_head" name="head">', '<bpmn:lane id="Lane_head" name="chief">'),
                           None, "Lane_head", "не является кодом роли"),
    "unknown status of an action": (('name="action:reject" value="status=rejected"', 'name="action:reject" value="status=binned"'),
                                    None, "moderate", "неизвестный статус 'binned'"),
    "unknown status of a node": (('<spiffworkflow:property name="status" value="on_moderation" />',
                                  '<spiffworkflow:property name="status" value="queued" />'), None, "start",
                                 "неизвестный статус 'queued'"),
    "bad $variable status": (('value="status=$outcome"', 'value="status=$out-come"'), None, "rate",
                             "не является именем переменной"),
    "user task without a form": (('<spiffworkflow:property name="action:reply" value="status=on_moderation" />', ''),
                                 None,
                                 "reply_clarification", "нет формы"),
    "field of unknown type": (('name="action:reject" value="status=rejected"',
                               'name="action:reject" value="status=rejected; fields=reason*:essay"'),
                              None, "moderate", "неизвестный тип 'essay'"),
    "unknown action part": (('name="action:take" value="status=taken"', 'name="action:take" value="stauts=taken"'),
                            None, "take", "неизвестная часть 'stauts'"),
    "user task outside lanes": (("<bpmn:flowNodeRef>rate</bpmn:flowNodeRef>", ""), ('bpmnElement="rate"', 'bpmnElement="x"'),
                                "rate", "ни в одной дорожке"),
    "gateway without default or conditions": ((' default="f_gw_accept"', ''), None, "gw_moderation",
                                              "'f_gw_accept' нет условия"),
    "default that does not leave the gateway": (('default="f_gw_accept"', 'default="f_rework"'), None,
                                                "gw_moderation", "не выходит из этого шлюза"),
    "unsafe timer": ((TIMER_RATING, TIMER_RATING.replace(">rating_due_at<", ">rating_due_at.__class__<")), None,
                     "timer_rating", "запрещено: Attribute"),
    "duration timer": ((TIMER_RATING, TIMER_RATING.replace("timeDate", "timeDuration").replace(
        ">rating_due_at<", ">PT5M<")), None, "timer_rating", "таймеры timeDuration не поддерживаются"),
    "attribute walking in a condition": (("action == 'reject'", "action.__class__.__mro__"), None, "f_gw_reject",
                                         "gw_moderation"),
    "an import in a condition": (("action == 'clarify'", "__import__('os').system('id')"), None, "f_gw_clarify",
                                 "вызывать можно только len/str"),
    "unregistered service operation": (('<spiffworkflow:serviceTaskOperator id="auto_close"',
                                        '<spiffworkflow:serviceTaskOperator id="send_email"'), None,
                                       "close_without_rating", "'send_email' не зарегистрирована"),
    "pre-script": (('<spiffworkflow:property name="title" value="Модерация обращения" />',
                    '<spiffworkflow:property name="title" value="Модерация обращения" />'
                    '</spiffworkflow:properties><spiffworkflow:preScript>x = 1</spiffworkflow:preScript>'
                    '<spiffworkflow:properties>'), None, "moderate", "пред-скрипты (preScript) запрещены"),
}


@pytest.mark.parametrize("rule", sorted(BAD))
def test_each_rule_refuses_its_bad_diagram_naming_the_element_and_line(rule):
    first, second, element, text = BAD[rule]
    xml = modified(*[p for p in (first, second) if p])
    problems = problems_of(xml)
    matching = [p for p in problems if p.startswith(f"{element} (строка ") and text in p]
    assert matching, problems
    line = int(re.search(r"\(строка (\d+)\)", matching[0]).group(1))
    assert line == line_of(element, xml)


def test_a_script_task_that_opens_a_file_is_refused():
    xml = modified(('<bpmn:serviceTask id="close_without_rating" name="Закрыть без оценки">\n'
                    '      <bpmn:extensionElements>',
                    '<bpmn:scriptTask id="close_without_rating" name="Закрыть без оценки">\n'
                    "      <bpmn:script>data = open('/etc/passwd').read()</bpmn:script>\n"
                    '      <bpmn:extensionElements>'),
                   ('</bpmn:serviceTask>\n    <bpmn:endEvent id="end_auto_closed"',
                    '</bpmn:scriptTask>\n    <bpmn:endEvent id="end_auto_closed"'))
    problems = problems_of(xml)
    assert any(p.startswith("close_without_rating (строка ") and "script" in p for p in problems), problems


def test_every_problem_is_listed_at_once():
    xml = modified(('<bpmn:lane id="Lane_head" name="head">', '<bpmn:lane id="Lane_head" name="chief">'),
                   ('name="action:reject" value="status=rejected"', 'name="action:reject" value="status=binned"'),
                   (' default="f_gw_accept"', ''),
                   (TIMER_RATING, TIMER_RATING.replace("timeDate", "timeCycle")))
    listed = " | ".join(problems_of(xml))
    for element in ("Lane_head", "moderate", "gw_moderation", "timer_rating"):
        assert f"{element} (строка " in listed, listed


def test_allow_lists_apply_only_when_given():
    xml = modified(('<bpmn:lane id="Lane_head" name="head">', '<bpmn:lane id="Lane_head" name="chief">'))
    assert parse_diagram(xml, "appeal.bpmn").human_tasks["approve_answer"].role == "chief"
    assert any("Lane_head" in p for p in problems_of(xml))
