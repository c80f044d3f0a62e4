"""DMN decision tables: hardened parsing, deployment lint and evaluation (issues 4 and 7).

A `.dmn` file is a set of decisions (DMN 1.1–1.3 `definitions`), each holding one decision
table. SpiffWorkflow 3.2 reads the tables (`SpiffWorkflow.dmn.parser.DMNParser`) and decides
them (`SpiffWorkflow.dmn.engine.DMNEngine`); every expression it evaluates goes through
Koridor's `SafeScriptEngine` (engine/expressions.py), so analyst text is never given to
Python's `eval`.

Lint (all problems at once, `<element id> (line N): <what>`):
- XML through the hardened parser (no DTD, no entities, no network, size cap);
- the DMN XSD of the file's namespace;
- the definitions id is a model the caller knows, each decision id is one that model
  declares and every decision it needs is present;
- one decision table per decision, hit policy UNIQUE or COLLECT (what SpiffWorkflow decides);
- every input expression, input entry (`?` is the input value, `-` matches anything) and
  output entry parses in the safe evaluator; each rule has one entry per input and output.
"""
from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS
from SpiffWorkflow.dmn.parser.DMNParser import DMNParser
from sqlalchemy import select

from .errors import DiagramRejected, InvalidInput, NotFound
from .expressions import SafeScriptEngine, UnsafeExpression, compile_expression
from .lint import Problem, load_xml, schema_validator
from .models import ProcessDefinition

HIT_POLICIES = ("UNIQUE", "COLLECT")
_QUESTION = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # a `?` outside quotes (as DMNEngine)


def is_dmn(xml: bytes) -> bool:
    """Whether an upload is a DMN document (its root is a DMN `definitions`)."""
    try:
        root = load_xml(xml)
    except DiagramRejected:
        return False
    return etree.QName(root).namespace in SCHEMAS


@dataclass(frozen=True)
class DmnRules:
    """Decision models the caller knows: definitions id -> the decision ids it must hold."""

    models: Mapping[str, frozenset[str]] | None = None


@dataclass
class LoadedDecisions:
    """A parsed decision model, shared read-only by every evaluation of that version."""

    model_id: str
    content_hash: str
    filename: str
    decisions: dict[str, Any] = field(default_factory=dict)  # decision id -> SpiffWorkflow Decision


def _text(el: etree._Element | None) -> str | None:
    if el is None:
        return None
    node = el.find("{*}text")
    return (node.text or "").strip() if node is not None and node.text is not None else None


def _check_entry(text: str) -> None:
    """An input entry as DMNEngine will read it: with `?`, as is (`== entry`) or after the input (`v < 3`)."""
    if _QUESTION.search(text):
        compile_expression(_QUESTION.sub("dmninputexpr", text))
        return
    try:
        compile_expression(text)
    except SyntaxError:
        compile_expression(f"v {text}")


def _lint(root: etree._Element, rules: DmnRules | None) -> list[Problem]:
    problems: list[Problem] = []

    def add(el: etree._Element, message: str) -> None:
        owner = el
        while owner is not None and not owner.get("id"):
            owner = owner.getparent()
        problems.append(Problem((owner if owner is not None else el).get("id") or "file", el.sourceline, message))

    namespace = etree.QName(root).namespace
    if etree.QName(root).localname != "definitions" or namespace not in SCHEMAS:
        add(root, "это не документ DMN 1.1–1.3 (<definitions>)")
        return problems
    try:
        schema_validator(SCHEMAS[namespace]).validate(root, "decision.dmn")
    except ValidationException as err:
        problems.append(Problem("file", err.line_number or None, f"схема DMN: {str(err).strip()}"))
    model_id = root.get("id") or ""
    known = None
    if rules is not None and rules.models is not None:
        known = rules.models.get(model_id)
        if known is None:
            add(root, f"неизвестная модель решений '{model_id}'; известные: {', '.join(sorted(rules.models)) or 'нет'}")
    decisions = root.findall("{*}decision")
    if not decisions:
        add(root, "нет ни одного решения (decision)")
    seen = set()
    for decision in decisions:
        did = decision.get("id") or ""
        seen.add(did)
        if known is not None and did not in known:
            add(decision, f"решение '{did}' не из числа {', '.join(sorted(known))}")
        tables = decision.findall("{*}decisionTable")
        if len(tables) != 1:
            add(decision, "решение должно содержать ровно одну таблицу решений")
            continue
        table = tables[0]
        policy = (table.get("hitPolicy") or "UNIQUE").upper()
        if policy not in HIT_POLICIES:
            add(table, f"политика срабатывания {policy} не поддерживается (используйте {' или '.join(HIT_POLICIES)})")
        inputs, outputs = table.findall("{*}input"), table.findall("{*}output")
        if not outputs:
            add(table, "у таблицы решений должен быть хотя бы один выход (output)")
        for clause in inputs:
            expression = _text(clause.find("{*}inputExpression"))
            if not expression:
                add(clause, "вход без текста inputExpression")
                continue
            try:
                compile_expression(expression)
            except (SyntaxError, UnsafeExpression) as err:
                add(clause, f"выражение входа '{expression}': {err}")
        for output in outputs:
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", output.get("name") or ""):
                add(output, "у выхода должно быть простое имя (латинские буквы, цифры, _)")
        for rule in table.findall("{*}rule"):
            entries, results = rule.findall("{*}inputEntry"), rule.findall("{*}outputEntry")
            if len(entries) != len(inputs) or len(results) != len(outputs):
                add(rule, f"в правиле {len(entries)} входных и {len(results)} выходных значений при "
                          f"{len(inputs)} входах и {len(outputs)} выходах")
            for entry in entries:
                text = _text(entry)
                if text in (None, "", "-"):
                    continue
                try:
                    _check_entry(text)
                except (SyntaxError, UnsafeExpression) as err:
                    add(entry, f"значение входа '{text}': {err}")
            for entry in results:
                text = _text(entry)
                if not text:
                    add(entry, "пустое значение выхода")
                    continue
                try:
                    compile_expression(text)
                except (SyntaxError, UnsafeExpression) as err:
                    add(entry, f"значение выхода '{text}': {err}")
    if known is not None:
        for missing in sorted(known - seen):
            add(root, f"нет решения '{missing}'")
    return problems


def parse_dmn(xml: bytes, filename: str = "decision.dmn", rules: DmnRules | None = None) -> LoadedDecisions:
    """Parse and lint a DMN upload; DiagramRejected lists every problem, nothing is kept then."""
    root = load_xml(xml)
    problems = _lint(root, rules)
    if problems:
        raise DiagramRejected("Таблица решений не прошла проверку", {"file": [str(p) for p in problems]})
    namespaces = {k or "dmn": v for k, v in root.nsmap.items()}
    namespaces["dmn"] = etree.QName(root).namespace
    parser = DMNParser(None, root, namespaces, filename=filename)
    loaded = LoadedDecisions(root.get("id") or "", hashlib.sha256(xml).hexdigest(), filename)
    try:
        for element in root.findall("{*}decision"):
            loaded.decisions[element.get("id")] = parser._parse_decision([element])
    except ValidationException as err:
        raise DiagramRejected("Таблица решений не прошла проверку",
                              {"file": [f"{err.id or 'file'} (line {err.line_number or '?'}): {err}"]}) from err
    return loaded


def decide(loaded: LoadedDecisions, decision_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Decide one table for `data`: a UNIQUE table gives the matching rule's outputs ({} if none
    matches), a COLLECT table a list per output. Expressions run in the safe evaluator."""
    decision = loaded.decisions.get(decision_id)
    if decision is None:
        raise InvalidInput(f"В модели '{loaded.model_id}' нет решения '{decision_id}'")
    engine = SafeScriptEngine()
    spec = SimpleNamespace(bpmn_name=decision_id, name=decision_id, bpmn_id=decision_id)
    workflow = SimpleNamespace(script_engine=engine, spec=SimpleNamespace(file=loaded.filename))
    workflow.top_workflow = workflow
    task = SimpleNamespace(data=dict(data), workflow=workflow, task_spec=spec)
    try:
        return dict(DMNEngine(decision.decisionTables[0]).result(task))
    except Exception as err:  # noqa: BLE001 - an evaluation failure is the table's problem
        raise InvalidInput(f"Ошибка в таблице решений '{decision_id}': {err}") from err


class DecisionCache:
    """Parsed decision models by content hash (each version is parsed once per process)."""

    def __init__(self) -> None:
        self._loaded: dict[str, LoadedDecisions] = {}
        self._lock = threading.Lock()

    def get(self, content_hash: str, xml_loader, filename: str = "decision.dmn") -> LoadedDecisions:
        loaded = self._loaded.get(content_hash)
        if loaded is None:
            with self._lock:
                loaded = self._loaded.get(content_hash)
                if loaded is None:
                    loaded = parse_dmn(xml_loader().encode("utf-8"), filename)
                    self._loaded[content_hash] = loaded
        return loaded

    def put(self, loaded: LoadedDecisions) -> None:
        with self._lock:
            self._loaded.setdefault(loaded.content_hash, loaded)


def deploy_dmn(session, cache: DecisionCache, xml: bytes, filename: str, actor: str, now,
               rules: DmnRules | None = None):
    """Lint and store a new version of a decision model (same content = same version); the
    newest version is the one evaluated. Versions share `process_definitions` (kind 'dmn')."""
    loaded = parse_dmn(xml, filename, rules)
    current = current_dmn_definition(session, loaded.model_id)
    if current is not None and current.content_hash == loaded.content_hash:
        return current
    if current is not None:
        current.is_current = False
    version = (session.scalar(select(ProcessDefinition.version).where(
        ProcessDefinition.process_id == loaded.model_id).order_by(ProcessDefinition.version.desc()).limit(1)) or 0) + 1
    definition = ProcessDefinition(process_id=loaded.model_id, version=version, content_hash=loaded.content_hash,
                                   filename=filename, xml=xml.decode("utf-8"), deployed_at=now, deployed_by=actor,
                                   is_current=True, kind="dmn")
    session.add(definition)
    session.flush()
    cache.put(loaded)
    return definition


def current_dmn_definition(session, model_id: str):
    return session.scalars(select(ProcessDefinition).where(
        ProcessDefinition.process_id == model_id, ProcessDefinition.kind == "dmn",
        ProcessDefinition.is_current.is_(True))).first()


def current_dmn(session, cache: DecisionCache, model_id: str) -> LoadedDecisions:
    """The newest deployed version of a decision model (404 when none is deployed)."""
    definition = current_dmn_definition(session, model_id)
    if definition is None:
        raise NotFound(f"Таблица решений '{model_id}' не развёрнута")
    return cache.get(definition.content_hash, lambda: definition.xml, definition.filename)


def describe_dmn(root: etree._Element) -> dict[str, dict[str, Any]]:
    """Every decision, input, output and rule of a DMN file by id, in engine/diff.py's shape, so two
    versions of a decision model compare element by element (a changed band or threshold shows as
    the rule's changed entry)."""
    out: dict[str, dict[str, Any]] = {}

    def put(el: etree._Element, kind: str, aspects: dict[str, Any]) -> None:
        out[el.get("id") or f"{kind}@{el.sourceline}"] = {"kind": kind, "category": "decisions",
                                                          "line": el.sourceline, "aspects": aspects}

    for decision in root.findall("{*}decision"):
        table = decision.find("{*}decisionTable")
        put(decision, "decision", {"name": decision.get("name"),
                                   "hit_policy": (table.get("hitPolicy") or "UNIQUE") if table is not None else None})
        if table is None:
            continue
        for clause in table.findall("{*}input"):
            put(clause, "input", {"name": clause.get("label"), "parent": decision.get("id"),
                                  "expression": _text(clause.find("{*}inputExpression"))})
        for output in table.findall("{*}output"):
            put(output, "output", {"name": output.get("name"), "parent": decision.get("id")})
        for rule in table.findall("{*}rule"):
            aspects: dict[str, Any] = {"name": (rule.findtext("{*}description") or "").strip() or None,
                                       "parent": decision.get("id")}
            for i, entry in enumerate(rule.findall("{*}inputEntry"), 1):
                aspects[f"input:{i}"] = _text(entry)
            for i, entry in enumerate(rule.findall("{*}outputEntry"), 1):
                aspects[f"output:{i}"] = _text(entry)
            put(rule, "rule", aspects)
    return out
