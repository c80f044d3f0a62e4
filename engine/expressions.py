"""Safe expressions for gateways and timers, and the script engine that uses them.

Diagrams are uploaded by analysts, so they are treated as code we do not
trust: conditions and timer expressions go through a small AST whitelist
(names from task data, literals, comparisons, boolean logic, arithmetic,
subscripts and a few pure functions). Script tasks are refused outright; service
tasks may only call operations the application registered.
"""
from __future__ import annotations

import ast
import json
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine


class UnsafeExpression(ValueError):
    """The expression uses something outside the whitelist."""


_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
}
_CMPOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b, ast.Is: operator.is_, ast.IsNot: operator.is_not,
}
_FUNCS: dict[str, Callable[..., Any]] = {
    "len": len, "str": str, "int": int, "float": float, "bool": bool,
    "min": min, "max": max, "abs": abs, "round": round,
}
_CONSTS = {"True": True, "False": False, "None": None, "true": True, "false": False}
_MAX_LEN = 500


def _check(node: ast.AST) -> None:
    allowed = (
        ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
        ast.BinOp, ast.Compare, ast.Name, ast.Load, ast.Constant, ast.Subscript, ast.Call,
        ast.IfExp, ast.List, ast.Tuple, ast.Set, *_BINOPS, *_CMPOPS,
    )
    for sub in ast.walk(node):
        if not isinstance(sub, allowed):
            raise UnsafeExpression(f"в выражениях запрещено: {type(sub).__name__}")
        if isinstance(sub, ast.Call):
            if not isinstance(sub.func, ast.Name) or sub.func.id not in _FUNCS or sub.keywords:
                raise UnsafeExpression("вызывать можно только len/str/int/float/bool/min/max/abs/round")
        if isinstance(sub, ast.Name) and sub.id.startswith("_"):
            raise UnsafeExpression(f"имена, начинающиеся с '_', запрещены: {sub.id}")


_compiled: dict[str, ast.Expression] = {}


def compile_expression(text: str) -> ast.Expression:
    """Parse and whitelist-check an expression (cached)."""
    tree = _compiled.get(text)
    if tree is None:
        if len(text) > _MAX_LEN:
            raise UnsafeExpression("выражение слишком длинное")
        tree = ast.parse(text.strip(), mode="eval")
        _check(tree)
        _compiled[text] = tree
    return tree


def safe_eval(text: str, names: Mapping[str, Any]) -> Any:
    """Evaluate a whitelisted expression against `names`; unknown names are None."""
    return _eval(compile_expression(text).body, names)


def _eval(node: ast.AST, names: Mapping[str, Any]) -> Any:  # noqa: C901 - a flat dispatcher
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in _CONSTS:
            return _CONSTS[node.id]
        if node.id in _FUNCS:
            return _FUNCS[node.id]
        return names.get(node.id)
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            result: Any = True
            for value in node.values:
                result = _eval(value, names)
                if not result:
                    return result
            return result
        result = False
        for value in node.values:
            result = _eval(value, names)
            if result:
                return result
        return result
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, names)
        if isinstance(node.op, ast.Not):
            return not value
        return -value if isinstance(node.op, ast.USub) else +value
    if isinstance(node, ast.BinOp):
        return _BINOPS[type(node.op)](_eval(node.left, names), _eval(node.right, names))
    if isinstance(node, ast.Compare):
        left = _eval(node.left, names)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _eval(comparator, names)
            try:
                if not _CMPOPS[type(op)](left, right):
                    return False
            except TypeError:
                return False
            left = right
        return True
    if isinstance(node, ast.Subscript):
        container = _eval(node.value, names)
        key = _eval(node.slice, names)
        try:
            return container[key]
        except (KeyError, IndexError, TypeError):
            return None
    if isinstance(node, ast.Call):
        return _FUNCS[node.func.id](*[_eval(a, names) for a in node.args])  # type: ignore[attr-defined]
    if isinstance(node, ast.IfExp):
        return _eval(node.body, names) if _eval(node.test, names) else _eval(node.orelse, names)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [_eval(e, names) for e in node.elts]
    raise UnsafeExpression(f"в выражениях запрещено: {type(node).__name__}")


@dataclass
class Effect:
    """A side effect a service task asked for; services apply it after the run."""

    operation: str
    params: dict[str, Any]
    task: str


@dataclass
class SafeScriptEngine(PythonScriptEngine):
    """Script engine with a whitelist evaluator, no scripts and registered services only."""

    operations: frozenset[str] = frozenset()
    effects: list[Effect] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def validate(self, expression: str) -> None:
        compile_expression(expression)

    def evaluate(self, task, expression, external_context=None):
        names = dict(task.data)
        if external_context:
            names.update(external_context)
        try:
            return safe_eval(expression, names)
        except Exception as err:  # noqa: BLE001 - reported with the task
            raise WorkflowTaskException(f"Ошибка в выражении '{expression}': {err}", task=task, exception=err) from err

    def execute(self, task, script, external_context=None):
        raise WorkflowTaskException("Script tasks are disabled in Koridor: use a service task", task=task)

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        if operation_name not in self.operations:
            raise WorkflowTaskException(f"Unknown service operation '{operation_name}'", task=task)
        params = {k: v.get("value") for k, v in (operation_params or {}).items()}
        self.effects.append(Effect(operation_name, params, task.task_spec.bpmn_id or task.task_spec.name))
        return json.dumps({"ok": True})
