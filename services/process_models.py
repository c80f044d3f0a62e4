"""Analysts deploy diagram versions; everyone may list them."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.errors import NotPermitted
from engine.models import ProcessDefinition

from .context import Actor, Context


def _view(d: ProcessDefinition) -> dict[str, Any]:
    return {"id": d.id, "process_id": d.process_id, "version": d.version, "content_hash": d.content_hash,
            "filename": d.filename, "deployed_at": d.deployed_at, "deployed_by": d.deployed_by,
            "is_current": d.is_current}


def list_process_models(ctx: Context) -> list[dict[str, Any]]:
    """Every process with its versions, the current one marked."""
    with ctx.db.unit_of_work() as uow:
        rows = uow.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.process_id,
                                                                      ProcessDefinition.version))
        grouped: dict[str, dict[str, Any]] = {}
        for d in rows:
            entry = grouped.setdefault(d.process_id, {"process_id": d.process_id, "versions": []})
            entry["versions"].append(_view(d))
            if d.is_current:
                entry["current_version"] = d.version
        return list(grouped.values())


def deploy_process_model(ctx: Context, actor: Actor | None, xml: bytes, filename: str) -> dict[str, Any]:
    """Validate and deploy a new diagram version (new instances use it; running ones keep theirs)."""
    if actor is not None and not actor.has("analyst", "admin"):
        raise NotPermitted("Развёртывать диаграммы может аналитик или администратор")
    with ctx.db.unit_of_work() as uow:
        definition = ctx.engine.deploy(uow.session, xml, filename, actor.login if actor else "system", ctx.clock())
        view = _view(definition)
        uow.commit()
        return view
