"""The step registry: what each step of a process is, declared once.

A user task's `step` property (docs/bpmn-conventions.md) names a `Step`; the step declares its
actions, each action's form fields (name, type, required, Russian and English label, choices or
a lookup), the roles whose lanes it belongs in, and the handler that applies the action's effect
on the subject. The diagram keeps the routing: which task is which step, and each action's
`status=`. Packs register their steps (`Pack.steps`: the shared appeal steps of
services/appeals/steps.py plus their own); `Context.steps` is the active pack's registry.

Dispatch is a table look-up: `registry.action(step, action).handler(call)`, so an action's
effect runs only in the steps that declare it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

LOOKUPS = {"executor_orgs": "organisations that execute appeals (ОИВ, ОМСУ, РСО, federal bodies, the agency)",
           "managers": "managers of an executing organisation",
           "agency_managers": "managers of the single-window agency",
           "company_orgs": "investors' company organisations",
           "knowledge_articles": "articles of the pack's knowledge base"}
"""Where a field's values come from, for a form or the modeler (the names are the contract)."""


@dataclass(frozen=True)
class Choice:
    value: Any
    label_ru: str
    label_en: str


@dataclass(frozen=True)
class Field:
    """A form field: `type` is one of engine/lint.py FIELD_TYPES (what the value is checked as)."""

    name: str
    type: str = "text"
    required: bool = False
    label_ru: str = ""
    label_en: str = ""
    choices: tuple[Choice, ...] = ()
    lookup: str | None = None

    def label(self, lang: str = "ru") -> str:
        return (self.label_en if lang == "en" else self.label_ru) or self.name


@dataclass
class StepCall:
    """One action being applied: handlers read the subject and fields and add to `extra` (process
    data the action sets) and `history` (extra data of the history event); `details` is scratch the
    subject kind may use (the Kazakhstan project's details)."""

    ctx: Any
    session: Session
    actor: Any
    subject: Any
    step: str
    action: str
    role: str
    fields: dict[str, Any]
    now: datetime
    on_behalf_of: str | None = None
    task_org: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    history: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


Handler = Callable[[StepCall], None]


@dataclass(frozen=True)
class Action:
    name: str
    label_ru: str
    label_en: str
    fields: tuple[Field, ...] = ()
    handler: Handler | None = None
    comment: tuple[str, str] | None = None  # (comment kind, field): saved in the appeal's dialogue
    visibility: str = "public"  # of its history item and comment: `internal` = staff only (the investor never)

    def label(self, lang: str = "ru") -> str:
        return self.label_en if lang == "en" else self.label_ru

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Step:
    name: str
    title_ru: str
    title_en: str
    subject_type: str
    roles: tuple[str, ...]
    actions: tuple[Action, ...]

    def title(self, lang: str = "ru") -> str:
        return self.title_en if lang == "en" else self.title_ru

    def action(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.name == name), None)

    def with_actions(self, *actions: Action, **changes: Any) -> Step:
        """This step with `actions` added, or replacing the actions of the same name (a pack's variant)."""
        names = {a.name for a in actions}
        kept = tuple(a for a in self.actions if a.name not in names)
        return replace(self, actions=(*kept, *actions), **changes)


class StepRegistry:
    """The steps of one pack by name; a later declaration of a name replaces an earlier one."""

    def __init__(self, steps: Iterable[Step]) -> None:
        self._steps: dict[str, Step] = {}
        for step in steps:
            self._steps[step.name] = step

    def __iter__(self) -> Iterator[Step]:
        return iter(self._steps.values())

    def __contains__(self, name: object) -> bool:
        return name in self._steps

    def get(self, name: str) -> Step | None:
        return self._steps.get(name)

    def action(self, step: str, action: str) -> Action | None:
        found = self._steps.get(step)
        return found.action(action) if found else None

    def apply(self, call: StepCall) -> None:
        """Run the handler the step declares for the action (nothing for an undeclared one)."""
        action = self.action(call.step, call.action)
        if action is not None and action.handler is not None:
            action.handler(call)


def required(name: str, label_ru: str, label_en: str, type: str = "text", **more: Any) -> Field:
    return Field(name, type, True, label_ru, label_en, **more)


def form_fields(registry: StepRegistry, step: str, declared: Any) -> tuple[Field, ...]:
    """The fields of a task's action: the registry's; for a step the registry does not know (a
    diagram an analyst uploaded with its own `fields=`), what the diagram declares."""
    action = registry.action(step, declared.name)
    if action is not None:
        return action.fields
    return tuple(Field(f.name, f.type, f.required) for f in declared.fields)


def action_label(registry: StepRegistry, step: str, declared: Any, lang: str = "ru") -> str:
    """The button text: the diagram's own `label=` for this task if it gives one, else the registry's."""
    if declared.label and declared.label != declared.name:
        return declared.label
    action = registry.action(step, declared.name)
    return action.label(lang) if action is not None else declared.name


def _form(fields: Iterable[Any]) -> str:
    return ", ".join(f"{f.name}{'*' if f.required else ''}:{f.type}" for f in fields) or "—"


def check_task(registry: StepRegistry, task: Any) -> list[str]:
    """What the deploy lint refuses in a user task (engine.lint.LintRules.task_check): a step the
    registry does not know, an action its step does not declare, a `fields=` that disagrees with
    the registry (a diagram may leave `fields=` out: the registry is the form)."""
    step = registry.get(task.step)
    if step is None:
        known = ", ".join(sorted(s.name for s in registry))
        return [f"шаг '{task.step}' не зарегистрирован (свойство step; известные шаги: {known})"]
    problems = []
    if not (task.org_var or task.assignee_var):
        problems.append("не задана переменная org (или assignee): задача не достанется ни одной организации "
                        "и ни одному пользователю")
    for declared in task.actions.values():
        action = step.action(declared.name)
        if action is None:
            problems.append(f"действие '{declared.name}' не объявлено в шаге '{step.name}' "
                            f"(допустимо: {', '.join(a.name for a in step.actions)})")
        elif declared.fields and _form(declared.fields) != _form(action.fields):
            problems += _field_problems(step, action, declared)
    return problems


def _field_problems(step: Step, action: Action, declared: Any) -> list[str]:
    """How a diagram's own `fields=` disagrees with the registry's form, field by field."""
    where = f"действие '{action.name}' (шаг '{step.name}')"
    given = {f.name: f for f in declared.fields}
    out = [f"{where}: нет обязательного поля '{f.name}' ({f.type}) в fields=" for f in action.fields
           if f.required and f.name not in given]
    for f in declared.fields:
        known = action.field(f.name)
        if known is None:
            out.append(f"{where}: поля '{f.name}' нет в реестре шагов")
        elif (known.type, known.required) != (f.type, f.required):
            out.append(f"{where}: поле '{f.name}' в реестре — {known.type}{', обязательное' if known.required else ''}")
    return out or [f"{where}: fields= не совпадает с реестром шагов ({_form(action.fields)})"]


def _field_view(f: Field, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "type": "choice" if f.type == "outcome" else f.type,
                           "required": f.required, "label": f.label(lang)}
    if f.choices:
        out["choices"] = [{"value": c.value, "label": c.label_en if lang == "en" else c.label_ru} for c in f.choices]
    if f.lookup:
        out["lookup"] = f.lookup
    return out


def steps_view(registry: StepRegistry, lang: str = "ru") -> list[dict[str, Any]]:
    """The registry as data (GET /api/v1/steps): each step, its actions and their fields, labels in `lang`."""
    return [{"name": step.name, "title": step.title(lang), "subject_type": step.subject_type,
             "roles": list(step.roles),
             "actions": [{"name": a.name, "label": a.label(lang), "visibility": a.visibility,
                          "fields": [_field_view(f, lang) for f in a.fields]}
                         for a in step.actions]} for step in registry]
