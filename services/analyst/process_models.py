"""Analysts deploy diagram versions, compare them and move running instances; everyone may list them."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.diff import diff_definitions
from engine.dmn import DmnRules, deploy_dmn, is_dmn, parse_dmn
from engine.lint import LintRules
from engine.migration import MigrationReport, migrate_instances
from engine.models import ProcessDefinition
from engine.specs import parse_diagram
from services.appeals.appeal import STATUS_RU
from services.context import Actor, Context
from services.errors import NotFound, NotPermitted, ValidationFailed
from services.models import ROLES
from services.steps import check_task, steps_view

ANALYSTS = ("analyst", "admin")
# Decision models (DMN, workflows/dmn/<id>.dmn) the services evaluate, with the decisions each must hold.
DECISION_MODELS = {"green_corridor": frozenset({"investment_points", "global2000_points", "tech_level_points",
                                                "jobs_points", "criteria", "threshold"})}


def _view(d: ProcessDefinition) -> dict[str, Any]:
    return {"id": d.id, "process_id": d.process_id, "version": d.version, "content_hash": d.content_hash,
            "filename": d.filename, "deployed_at": d.deployed_at, "deployed_by": d.deployed_by,
            "is_current": d.is_current, "kind": d.kind or "bpmn"}


def _require(actor: Actor | None, *roles: str) -> None:
    if actor is not None and not actor.has(*roles):
        raise NotPermitted("Доступно аналитику или администратору")


def lint_rules(ctx: Context, session: Session) -> LintRules:
    """What a diagram of this installation may name: the pack's processes (and those already
    deployed), the role codes, the status codes, the engine's service operations, and the steps
    and actions of the pack's step registry (with their fields, services/steps.py)."""
    deployed = set(session.scalars(select(ProcessDefinition.process_id).where(ProcessDefinition.kind != "dmn")
                                   .distinct()))
    return LintRules(process_ids=frozenset(ctx.pack.process_ids) | deployed, roles=frozenset(ROLES),
                     statuses=frozenset(STATUS_RU) | frozenset(ctx.pack.statuses), operations=ctx.engine.operations,
                     task_check=lambda task: check_task(ctx.steps, task))


def list_steps(ctx: Context, actor: Actor | None, lang: str = "ru") -> list[dict[str, Any]]:
    """The active pack's step registry as data, for the modeler (analysts and admins)."""
    _require(actor, *ANALYSTS)
    return steps_view(ctx.steps, lang)


def lint_diagram(ctx: Context, actor: Actor | None, xml: bytes) -> dict[str, Any]:
    """Check a diagram as a deploy would, storing nothing: {"ok": True} or DiagramRejected (422)."""
    _require(actor, *ANALYSTS)
    with ctx.db.unit_of_work() as uow:
        if is_dmn(xml):
            parse_dmn(xml, rules=DmnRules(DECISION_MODELS))
        else:
            parse_diagram(xml, "diagram.bpmn", lint_rules(ctx, uow.session))
    return {"ok": True, "message": "Проверка пройдена: диаграмму можно развернуть"}


def list_process_models(ctx: Context) -> list[dict[str, Any]]:
    """Every process with its versions (who deployed each and when), the current one marked."""
    with ctx.db.reading() as uow:
        rows = uow.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.process_id,
                                                                      ProcessDefinition.version))
        grouped: dict[str, dict[str, Any]] = {}
        for d in rows:
            entry = grouped.setdefault(d.process_id, {"process_id": d.process_id, "kind": d.kind or "bpmn",
                                                      "versions": []})
            entry["versions"].append(_view(d))
            if d.is_current:
                entry["current_version"] = d.version
        return list(grouped.values())


def deploy_process_model(ctx: Context, actor: Actor | None, xml: bytes, filename: str) -> dict[str, Any]:
    """Lint and deploy a new diagram version (new instances use it; running ones keep theirs).

    A refused diagram raises DiagramRejected (422) listing every problem by element id and line;
    nothing is stored then. A DMN file (issue 7) becomes a new version of its decision model; the
    newest version is the one evaluated."""
    _require(actor, *ANALYSTS)
    with ctx.db.unit_of_work() as uow:
        newest = uow.session.scalar(select(func.max(ProcessDefinition.id)))
        if is_dmn(xml):
            definition = deploy_dmn(uow.session, ctx.engine.decisions, xml, filename, actor.login if actor else "system",
                                    ctx.clock(), rules=DmnRules(DECISION_MODELS))
        else:
            definition = ctx.engine.deploy(uow.session, xml, filename, actor.login if actor else "system", ctx.clock(),
                                           rules=lint_rules(ctx, uow.session))
        view = _view(definition)
        view["created"] = newest is None or definition.id > newest
        if not view["created"]:
            view["message"] = (f"Файл не отличается от текущей версии {definition.version} процесса "
                               f"'{definition.process_id}': новая версия не создана")
        uow.commit()
        return view


def _definition(session: Session, process_id: str, version: int) -> ProcessDefinition:
    d = session.scalar(select(ProcessDefinition).where(ProcessDefinition.process_id == process_id,
                                                       ProcessDefinition.version == version))
    if d is None:
        raise NotFound(f"Версия {version} процесса '{process_id}' не найдена")
    return d


def version_source(ctx: Context, actor: Actor | None, process_id: str, version: int) -> dict[str, Any]:
    """The file of one deployed version, as it was deployed (analysts, admins, auditors)."""
    _require(actor, *ANALYSTS, "auditor")
    with ctx.db.unit_of_work() as uow:
        d = _definition(uow.session, process_id, version)
        return {"xml": d.xml, "filename": d.filename or f"{process_id}.{'dmn' if d.kind == 'dmn' else 'bpmn'}",
                "kind": d.kind or "bpmn", "version": d.version, "process_id": d.process_id}


def diff_versions(ctx: Context, actor: Actor | None, process_id: str, version_a: int,
                  version_b: int) -> dict[str, Any]:
    """What changed from version A to version B of a process, element by element."""
    _require(actor, *ANALYSTS, "auditor")
    with ctx.db.unit_of_work() as uow:
        a = _definition(uow.session, process_id, version_a)
        b = _definition(uow.session, process_id, version_b)
        result = diff_definitions(a.xml, b.xml)
        result.update(process_id=process_id, version_a=_view(a), version_b=_view(b))
        return result


def migrate_process(ctx: Context, actor: Actor | None, process_id: str, to_version: Any,
                    dry_run: bool = False) -> dict[str, Any]:
    """Move the running instances of a process to another version where it is safe; a report of
    what moved and what did not, and why. With dry_run nothing is written."""
    _require(actor, *ANALYSTS)
    if isinstance(to_version, bool) or not isinstance(to_version, int):
        raise ValidationFailed("Укажите версию", {"to_version": ["целое число"]})
    with ctx.db.unit_of_work() as uow:
        report = migrate_instances(ctx.engine, uow.session, process_id, to_version,
                                   actor.login if actor else "system", ctx.clock(), dry_run=dry_run)
        view = report_view(report)
        if not dry_run:
            uow.commit()
        return view


def report_view(report: MigrationReport) -> dict[str, Any]:
    def item(i) -> dict[str, Any]:
        return {"instance_id": i.instance_id, "subject_type": i.subject_type, "subject_id": i.subject_id,
                "from_version": i.from_version, "to_version": i.to_version, "moved": i.moved,
                "reasons": i.reasons, "open_tasks": i.open_tasks}

    return {"process_id": report.process_id, "to_version": report.to_version, "dry_run": report.dry_run,
            "moved": [item(i) for i in report.moved], "refused": [item(i) for i in report.refused],
            "summary": {"candidates": len(report.instances), "moved": len(report.moved),
                        "refused": len(report.refused)}}
