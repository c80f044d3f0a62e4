"""Deployment lint: what a diagram must satisfy before it becomes a version (issue 7).

The checks read the XML itself (lxml), so every problem names the element id and
the line of the uploaded file, and all problems are reported at once:

- the executable process has a known id (allow-list from the caller);
- lanes are role codes (allow-list from the caller; the engine knows no roles);
- statuses declared (`action:*` `status=`, `status` on other nodes) are known codes
  or `$variable`;
- every user task is in a lane and has a form: at least one `action:<name>`, parts
  `status` / `fields` / `label` only, fields of known types;
- exclusive gateways: a default flow that leaves the gateway, and a condition on every
  other outgoing flow;
- timers are `timeDate` with a safe expression;
- no scripts (script tasks, `bpmn:script`, pre-/post-scripts); every condition and
  loop expression passes the safe evaluator's whitelist;
- service tasks call only registered operations.

The caller passes the allow-lists in `LintRules`; a rule whose list is None is skipped
(the spec cache re-reads versions that were linted when deployed).
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH, BpmnValidator

from .errors import DiagramRejected
from .expressions import UnsafeExpression, compile_expression
from .lanes import lane_map

MAX_DIAGRAM_BYTES = 2 * 1024 * 1024
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
FIELD_TYPES = ("text", "org", "user", "date", "rating", "outcome", "int")
ACTION_PARTS = ("status", "fields", "label")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_HUMAN = ("userTask", "manualTask")
_EXPRESSIONS = ("conditionExpression", "condition", "loopCardinality", "completionCondition")
_SCRIPTS = {(BPMN_NS, "scriptTask"): "задачи-скрипты (scriptTask) запрещены; используйте сервисную задачу",
            (BPMN_NS, "script"): "скрипты запрещены",
            (SPIFF_NS, "preScript"): "пред-скрипты (preScript) запрещены",
            (SPIFF_NS, "postScript"): "пост-скрипты (postScript) запрещены"}


_VALIDATORS = threading.local()


def schema_validator(xsd_path: str = XSD_PATH) -> BpmnValidator:
    """The XML-schema validator for `xsd_path`, built once per thread: loading the BPMN schema costs more
    than parsing a diagram, and a validator keeps its error log, so threads do not share one."""
    cache = _VALIDATORS.__dict__.setdefault("by_path", {})
    validator = cache.get(xsd_path)
    if validator is None:
        validator = cache[xsd_path] = BpmnValidator(xsd_path)
    return validator


def hardened_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entities, reads no DTD and touches no network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True,
    )


def load_xml(xml: bytes) -> etree._Element:
    """Parse untrusted XML with the hardened parser; any DOCTYPE/ENTITY is refused (XXE, billion laughs)."""
    if len(xml) > MAX_DIAGRAM_BYTES:
        raise DiagramRejected("Диаграмма слишком большая", {"file": [f"больше {MAX_DIAGRAM_BYTES} байт"]})
    if _DTD.search(xml):
        raise DiagramRejected("DTD и сущности в диаграммах запрещены", {"file": ["DOCTYPE/ENTITY"]})
    try:
        root = etree.fromstring(xml, parser=hardened_parser())
    except etree.XMLSyntaxError as err:
        raise DiagramRejected("Файл не является корректным XML", {"file": [str(err)]}) from err
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # e.g. a UTF-16 file the byte check missed
        raise DiagramRejected("DTD и сущности в диаграммах запрещены", {"file": ["DOCTYPE/ENTITY"]})
    return root


@dataclass(frozen=True)
class LintRules:
    """Allow-lists supplied by the caller (services know the pack's processes, roles, statuses)."""

    process_ids: frozenset[str] | None = None
    roles: frozenset[str] | None = None
    statuses: frozenset[str] | None = None
    operations: frozenset[str] | None = None
    # the caller's check of each parsed user task (its step and actions against the services' step
    # registry): the problems it names are refused like the others, under the task's id
    task_check: Callable[[Any], list[str]] | None = None


@dataclass(frozen=True)
class Problem:
    element: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.element} (строка {self.line if self.line is not None else '?'}): {self.message}"


def _local(el: etree._Element) -> tuple[str, str]:
    qname = etree.QName(el)
    return qname.namespace or "", qname.localname


def _owner(el: etree._Element) -> etree._Element:
    """The nearest ancestor-or-self that is a BPMN element with an id (a flow, an event, a task)."""
    node: etree._Element | None = el
    while node is not None:
        ns, name = _local(node)
        if node.get("id") and ns == BPMN_NS and not name.endswith("EventDefinition"):
            return node
        node = node.getparent()
    return el


def properties(el: etree._Element) -> list[tuple[str, str, etree._Element]]:
    """The element's own spiffworkflow:property entries as (name, value, element)."""
    out = []
    ext = el.find(f"{{{BPMN_NS}}}extensionElements")
    if ext is not None:
        for prop in ext.iterfind(f"{{{SPIFF_NS}}}properties/{{{SPIFF_NS}}}property"):
            out.append((prop.get("name") or "", prop.get("value") or "", prop))
    return out


def split_action(value: str) -> dict[str, str]:
    """`status=...; fields=...; label=...` as a dict (tolerant: used by lint and diff)."""
    parts: dict[str, str] = {}
    for chunk in value.split(";"):
        if chunk.strip():
            key, _, val = chunk.partition("=")
            parts[key.strip()] = val.strip()
    return parts


class _Linter:
    def __init__(self, root: etree._Element, rules: LintRules):
        self.root = root
        self.rules = rules
        self.problems: list[Problem] = []
        self.flows = {f.get("id"): f for f in root.iter(f"{{{BPMN_NS}}}sequenceFlow")}
        self.lanes = lane_map(root)

    def add(self, el: etree._Element, message: str) -> None:
        owner = _owner(el)
        self.problems.append(Problem(owner.get("id") or _local(owner)[1], owner.sourceline, message))

    def run(self) -> list[Problem]:
        self._processes()
        for el in self.root.iter(etree.Element):
            ns, name = _local(el)
            if (ns, name) in _SCRIPTS:
                self.add(el, _SCRIPTS[(ns, name)])
            if ns == BPMN_NS and name in _HUMAN:
                self._human_task(el)
            elif ns == BPMN_NS and el.get("id"):
                self._node_status(el)
            if ns == BPMN_NS and name == "exclusiveGateway":
                self._gateway(el)
            elif ns == BPMN_NS and name in _EXPRESSIONS:
                self._expression(el, name)
            elif ns == BPMN_NS and name == "timerEventDefinition":
                self._timer(el)
            elif ns == SPIFF_NS and name == "serviceTaskOperator":
                self._operation(el)
        return self.problems

    def _processes(self) -> None:
        allowed = self.rules.process_ids
        for proc in self.root.iter(f"{{{BPMN_NS}}}process"):
            if allowed is not None and proc.get("isExecutable") == "true" and proc.get("id") not in allowed:
                self.add(proc, f"неизвестный id процесса '{proc.get('id')}'; допустимые: {', '.join(sorted(allowed))}")
        roles = self.rules.roles
        for lane in self.root.iter(f"{{{BPMN_NS}}}lane"):
            if roles is not None and (lane.get("name") or "").strip() not in roles:
                self.add(lane, f"имя дорожки '{lane.get('name') or ''}' не является кодом роли")

    def _status(self, el: etree._Element, status: str, where: str) -> None:
        if status.startswith("$"):
            if not _NAME.match(status[1:]):
                self.add(el, f"{where}: '{status}' не является именем переменной ($имя)")
        elif self.rules.statuses is not None and status not in self.rules.statuses:
            self.add(el, f"{where}: неизвестный статус '{status}'")

    def _node_status(self, el: etree._Element) -> None:
        for key, value, _prop in properties(el):
            if key == "status" and value.strip():
                self._status(el, value.strip(), "свойство status")

    def _human_task(self, el: etree._Element) -> None:
        task_id = el.get("id") or ""
        if task_id not in self.lanes:
            self.add(el, "задача пользователя не находится ни в одной дорожке (дорожки — коды ролей): внесите её в список дорожки "
                         "или нарисуйте внутри дорожки")
        actions = [(k[len("action:"):], v) for k, v, _p in properties(el) if k.startswith("action:")]
        if not actions:
            self.add(el, "у задачи пользователя нет формы: объявите хотя бы одно свойство action:<имя>")
        for name, value in actions:
            if not _NAME.match(name):
                self.add(el, f"действие '{name}': имя — латинские буквы, цифры и '_'")
            parts = split_action(value)
            for key in parts:
                if key not in ACTION_PARTS:
                    self.add(el, f"действие '{name}': неизвестная часть '{key}' (допустимы: status, fields, label)")
            if parts.get("status"):
                self._status(el, parts["status"], f"действие '{name}'")
            for item in filter(None, (f.strip() for f in parts.get("fields", "").split(","))):
                fname, _, ftype = item.partition(":")
                fname, ftype = fname.strip().rstrip("*").strip(), ftype.strip() or "text"
                if not _NAME.match(fname):
                    self.add(el, f"действие '{name}': недопустимое имя поля '{fname}'")
                if ftype not in FIELD_TYPES:
                    self.add(el, f"действие '{name}': у поля '{fname}' неизвестный тип '{ftype}' "
                                 f"(известные: {', '.join(FIELD_TYPES)})")

    def _gateway(self, el: etree._Element) -> None:
        gw_id = el.get("id")
        outgoing = [f for f in self.flows.values() if f.get("sourceRef") == gw_id]
        default = el.get("default")
        if default and default not in {f.get("id") for f in outgoing}:
            self.add(el, f"поток по умолчанию '{default}' не выходит из этого шлюза")
        for flow in outgoing:
            cond = flow.find(f"{{{BPMN_NS}}}conditionExpression")
            if flow.get("id") != default and (cond is None or not (cond.text or "").strip()):
                self.add(el, f"у исходящего потока '{flow.get('id')}' нет условия, а "
                             + (f"поток по умолчанию у шлюза другой ('{default}')" if default
                                else "у шлюза нет потока по умолчанию (default)"))

    def _expression(self, el: etree._Element, name: str) -> None:
        text = (el.text or "").strip()
        if not text:
            if name != "conditionExpression":
                self.add(el, f"пустое выражение {name}")
            return
        owner = _owner(el)
        where = name
        if _local(owner)[1] == "sequenceFlow":
            where = f"условие потока из '{owner.get('sourceRef')}'"
        try:
            compile_expression(text)
        except (UnsafeExpression, SyntaxError) as err:
            self.add(el, f"{where} '{text[:120]}': {err}")

    def _timer(self, el: etree._Element) -> None:
        kinds = [child for child in el if _local(child)[1] in ("timeDate", "timeDuration", "timeCycle")]
        if not kinds:
            self.add(el, "таймер без timeDate")
        for child in kinds:
            kind, text = _local(child)[1], (child.text or "").strip()
            if kind != "timeDate":
                self.add(el, f"таймеры {kind} не поддерживаются: используйте timeDate с переменной даты-времени")
                continue
            try:
                compile_expression(text)
            except (UnsafeExpression, SyntaxError) as err:
                self.add(el, f"таймер '{text[:120]}': {err}")

    def _operation(self, el: etree._Element) -> None:
        allowed = self.rules.operations
        if allowed is not None and el.get("id") not in allowed:
            self.add(el, f"операция сервиса '{el.get('id')}' не зарегистрирована (известные: {', '.join(sorted(allowed))})")


def lint(root: etree._Element, rules: LintRules | None = None) -> list[Problem]:
    """Every convention problem of a parsed diagram, in document order."""
    return _Linter(root, rules or LintRules()).run()


def line_of(root: etree._Element, element_id: str) -> int | None:
    """The source line of the element with this id (for messages from the BPMN parser)."""
    for el in root.iter(etree.Element):
        if el.get("id") == element_id:
            return el.sourceline
    return None
