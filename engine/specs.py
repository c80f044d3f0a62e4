"""Diagram parsing, validation, the spec cache and the Koridor BPMN conventions.

Conventions (docs/bpmn-conventions.md):
- a lane's name is a role code; a user task in that lane is done by that role;
- user-task properties (spiffworkflow:properties): `title`, `org` / `assignee` /
  `due` (names of data variables), and one `action:<name>` per allowed action:
  `status=<code|$variable>; fields=name*:type, ...; label=...`;
- any other node may carry `status` (applied when the node completes);
- service tasks call registered operations (spiffworkflow:serviceTaskOperator).
What a diagram must satisfy to be deployed is checked by engine/lint.py.
"""
from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from .errors import DiagramRejected
from .lanes import lane_map
from .lint import (  # noqa: F401  (hardened_parser, load_xml, MAX_DIAGRAM_BYTES: re-exported)
    BPMN_NS,
    FIELD_TYPES,
    MAX_DIAGRAM_BYTES,
    LintRules,
    Problem,
    hardened_parser,
    line_of,
    lint,
    load_xml,
    properties,
    schema_validator,
    split_action,
)

# Process variables set by the services (deadline_at, executor_org, ...), kept on the
# top workflow too: a waiting boundary timer holds a copy of the data from when it was
# armed, so it reads these to see a deadline moved later.
SHARED_KEY = "koridor_shared"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool


@dataclass(frozen=True)
class ActionSpec:
    name: str
    status: str | None
    fields: tuple[FieldSpec, ...]
    label: str


@dataclass(frozen=True)
class HumanTaskSpec:
    bpmn_id: str
    title: str
    role: str
    org_var: str | None
    assignee_var: str | None
    due_var: str | None
    actions: dict[str, ActionSpec]
    step: str  # what the task is for (moderation, execution, ...): services key on it, not on ids


@dataclass
class LoadedSpec:
    """A parsed process, shared read-only by every instance of that version."""

    process_id: str
    content_hash: str
    spec: object
    subprocess_specs: dict
    human_tasks: dict[str, HumanTaskSpec] = field(default_factory=dict)
    node_status: dict[str, str] = field(default_factory=dict)


def parse_action(name: str, value: str) -> ActionSpec:
    """Parse `status=...; fields=a*:text, b:org; label=...` into an ActionSpec."""
    parts = split_action(value)
    fields = []
    for item in filter(None, (f.strip() for f in parts.get("fields", "").split(","))):
        fname, _, ftype = item.partition(":")
        required = fname.endswith("*")
        ftype = ftype.strip() or "text"
        if ftype not in FIELD_TYPES:
            raise ValueError(f"действие '{name}': неизвестный тип поля '{ftype}'")
        fields.append(FieldSpec(fname.rstrip("*").strip(), ftype, required))
    return ActionSpec(name, parts.get("status") or None, tuple(fields), parts.get("label", name))


def _human_task(ts, lane: str | None) -> HumanTaskSpec:
    props = (getattr(ts, "extensions", None) or {}).get("properties", {})
    actions = {}
    for key, value in props.items():
        if key.startswith("action:"):
            action = parse_action(key[len("action:"):], value)
            actions[action.name] = action
    if not actions:
        raise ValueError(f"задача '{ts.bpmn_id}' не объявляет ни одного свойства action:<имя>")
    if not lane:
        raise ValueError(f"задача '{ts.bpmn_id}' не находится ни в одной дорожке (дорожки — коды ролей)")
    return HumanTaskSpec(
        bpmn_id=ts.bpmn_id, title=props.get("title") or ts.bpmn_name or ts.bpmn_id, role=lane,
        org_var=props.get("org"), assignee_var=props.get("assignee"), due_var=props.get("due"),
        actions=actions, step=props.get("step") or ts.bpmn_id,
    )


def declared_tasks(root: etree._Element) -> list[HumanTaskSpec]:
    """The user tasks as the XML declares them (for the registry's check; the lint reports bad parts)."""
    lanes = lane_map(root)
    out = []
    for el in root.iter(f"{{{BPMN_NS}}}userTask", f"{{{BPMN_NS}}}manualTask"):
        props = {name: value for name, value, _el in properties(el)}
        actions = {}
        for key, value in props.items():
            if key.startswith("action:"):
                try:
                    action = parse_action(key[len("action:"):], value)
                except ValueError:
                    continue
                actions[action.name] = action
        task_id = el.get("id") or ""
        out.append(HumanTaskSpec(bpmn_id=task_id, title=props.get("title") or el.get("name") or task_id,
                                 role=lanes.get(task_id, ""), org_var=props.get("org"),
                                 assignee_var=props.get("assignee"), due_var=props.get("due"), actions=actions,
                                 step=props.get("step") or task_id))
    return out


def _all_task_specs(loaded: LoadedSpec):
    yield from loaded.spec.task_specs.values()
    for sub in loaded.subprocess_specs.values():
        yield from sub.task_specs.values()


def _inspect(loaded: LoadedSpec, root: etree._Element, reported: set[str]) -> list[Problem]:
    """Read the forms and node statuses into the spec; lint (engine/lint.py) did the checking."""
    problems: list[Problem] = []
    lanes = lane_map(root)
    for ts in _all_task_specs(loaded):
        bpmn_id = getattr(ts, "bpmn_id", None)
        if bpmn_id is None:
            continue
        props = (getattr(ts, "extensions", None) or {}).get("properties", {})
        if ts.manual:
            try:
                loaded.human_tasks[bpmn_id] = _human_task(ts, lanes.get(bpmn_id))
            except ValueError as err:
                if bpmn_id not in reported:
                    problems.append(Problem(bpmn_id, line_of(root, bpmn_id), str(err)))
        elif props.get("status"):
            loaded.node_status[bpmn_id] = props["status"]
    return problems


def _spiff_problem(err: ValidationException, root: etree._Element) -> Problem:
    line = err.line_number or (line_of(root, err.id) if err.id else None)
    return Problem(err.id or err.tag or "file", int(line) if line else None,
                   f"диаграмма не разбирается (SpiffWorkflow): {str(err).strip()}")


def parse_diagram(xml: bytes, filename: str = "diagram.bpmn", rules: LintRules | None = None) -> LoadedSpec:
    """Parse, lint and validate a diagram; every problem found is listed in DiagramRejected.errors.

    `rules` carries the caller's allow-lists (process ids, roles, statuses, operations); without
    it only the rules that need no allow-list apply (stored versions read back by the cache).
    """
    root = load_xml(xml)
    problems = lint(root, rules)
    if rules is not None and rules.task_check is not None:  # from the XML: checked even if the parser gives up
        for task in declared_tasks(root):
            problems += [Problem(task.bpmn_id, line_of(root, task.bpmn_id), msg) for msg in rules.task_check(task)]
    reported = {p.element for p in problems}
    parser = SpiffBpmnParser(validator=schema_validator())
    try:
        parser.add_bpmn_xml(root, filename)
        ids = parser.get_process_ids()
        executable = [p for p in ids if parser.process_parsers[p].process_executable]
        if len(executable) != 1:
            problems.append(Problem("file", None, f"нужен ровно один исполняемый процесс (isExecutable), найдено: "
                                                  f"{', '.join(executable or ids) or 'ни одного'}"))
            raise _Refused
        process_id = executable[0]
        spec = parser.get_spec(process_id)
        subs = parser.get_subprocess_specs(process_id)
    except _Refused:
        spec = None
    except ValidationException as err:
        problem = _spiff_problem(err, root)
        if problem.element not in reported or not problems:
            problems.append(problem)
        spec = None
    except Exception as err:  # noqa: BLE001 - any parser failure is the diagram's problem
        problems.append(Problem("file", None, f"диаграмма не разбирается ({type(err).__name__}): {err}"))
        spec = None
    if spec is None:
        raise DiagramRejected("Диаграмма не прошла проверку", {"file": [str(p) for p in problems]})
    loaded = LoadedSpec(process_id, hashlib.sha256(xml).hexdigest(), spec, subs)
    problems += _inspect(loaded, root, reported)
    use_engine_clock(loaded)
    if problems:
        raise DiagramRejected("Диаграмма нарушает соглашения Koridor", {"file": [str(p) for p in problems]})
    return loaded


class _Refused(Exception):
    """Internal: stop parsing, the problem is already listed."""


class SpecCache:
    """Parsed specs by content hash: each diagram version is parsed once per process."""

    def __init__(self) -> None:
        self._specs: dict[str, LoadedSpec] = {}
        self._lock = threading.Lock()

    def get(self, content_hash: str, xml_loader) -> LoadedSpec:
        loaded = self._specs.get(content_hash)
        if loaded is None:
            with self._lock:
                loaded = self._specs.get(content_hash)
                if loaded is None:
                    loaded = parse_diagram(xml_loader().encode("utf-8"))
                    self._specs[content_hash] = loaded
        return loaded

    def put(self, loaded: LoadedSpec) -> None:
        with self._lock:
            self._specs.setdefault(loaded.content_hash, loaded)

    def __len__(self) -> int:
        return len(self._specs)


def to_utc(value: object) -> datetime | None:
    """Read an ISO date/datetime value from task data as an aware UTC datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day, tzinfo=UTC)
    else:
        dt = datetime.fromisoformat(str(value))
    if dt.tzinfo is None:
        raise ValueError(f"naive datetime in process data: {value!r}")
    return dt.astimezone(UTC)


class ClockTimeDate(TimeDateEventDefinition):
    """A timeDate timer read against the engine's clock (time is an argument).

    The expression is re-evaluated on every check, so moving `deadline_at`
    (an approved extension) moves a timer that has not fired yet.
    """

    def has_fired(self, my_task):
        if my_task._get_internal_data("event_fired", False):
            return True
        due = timer_due(my_task, self)
        now = getattr(my_task.workflow.script_engine, "now", None)
        if due is not None and now is not None and due <= now:
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


def timer_due(my_task, definition) -> datetime | None:
    """Evaluate a timer's expression for a waiting task; None when the data has no date yet."""
    shared = my_task.workflow.top_workflow.data.get(SHARED_KEY) or {}
    value = my_task.workflow.script_engine.evaluate(my_task, definition.expression, external_context=shared)
    due = to_utc(value)
    my_task._set_internal_data(event_value=due.isoformat() if due else None)
    return due


def use_engine_clock(loaded: LoadedSpec) -> None:
    """Swap the library's wall-clock timeDate timers for ClockTimeDate ones."""
    for ts in _all_task_specs(loaded):
        definition = getattr(ts, "event_definition", None)
        if type(definition) is TimeDateEventDefinition:
            definition.__class__ = ClockTimeDate
