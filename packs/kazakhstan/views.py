"""How a Kazakhstan project reads in the API: passport (item 46), pool and green corridor, the
roadmap with the dashboard colours of item 61."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from packs.kazakhstan.models import KzRoadmapTask
from packs.kazakhstan.region import TZ
from packs.kazakhstan.status import KZ_STATUS_RU
from services.models import Project

YELLOW_DAYS = 10  # item 61: due in under 10 days


def colour(task: KzRoadmapTask, today: date) -> str | None:
    """Item 61: an open task past its due day is red, due in under 10 days yellow, later green."""
    if task.state != "open":
        return None
    left = (task.due_date - today).days
    if left < 0:
        return "red"
    return "yellow" if left < YELLOW_DAYS else "green"


def task_view(task: KzRoadmapTask, today: date) -> dict[str, Any]:
    return {"id": task.id, "project_id": task.project_id, "stage": task.stage, "title": task.title,
            "due_date": task.due_date.isoformat(), "expected_result": task.expected_result,
            "support_measures": task.support_measures, "risks": task.risks, "responsible": task.responsible,
            "state": task.state, "completed_on": task.completed_on.isoformat() if task.completed_on else None,
            "validation_due": task.validation_due.isoformat() if task.validation_due else None,
            "validated_at": task.validated_at.isoformat() if task.validated_at else None,
            "validated_by": task.validated_by, "validation_comment": task.validation_comment,
            "colour": colour(task, today)}


def passport_view(project: Project) -> dict[str, Any] | None:
    """The ten fields of item 46 (None before the local executive body creates the passport)."""
    extra = (project.details or {}).get("passport")
    if not extra:
        return None
    return {"company_name": project.company_name, "bin": project.company_inn, "sector": project.sector,
            "product": extra.get("product"), "region": project.region,
            "cost_kzt": float(project.investment_volume) if project.investment_volume is not None else None,
            "financing": extra.get("financing"), "contacts": extra.get("contacts"), "summary": project.description,
            "registered_on": extra.get("registered_on"), "jobs": project.jobs,
            "contract_until": extra.get("contract_until"), "created_on": extra.get("created_on")}


def project_view(s: Session, project: Project, now: datetime, roadmap: bool = True) -> dict[str, Any]:
    details = project.details or {}
    today = now.astimezone(TZ).date()
    view: dict[str, Any] = {
        "id": project.id, "name": project.name, "status": project.status,
        "status_name": KZ_STATUS_RU.get(project.status, project.status), "stage": project.stage,
        "region": project.region, "company_org": project.company_org, "company_name": project.company_name,
        "local_exec_org": details.get("local_exec_org"), "initiator_org": details.get("initiator_org"),
        "passport": passport_view(project), "pool": details.get("pool"),
        "initiative": details.get("initiative"), "review_due": details.get("review_due"),
        "extended": details.get("extended", False), "roadmap_due": details.get("roadmap_due"),
        "fix_due": details.get("fix_due"), "remarks": details.get("remarks", []),
        "suspension": details.get("suspension"), "monitoring_from": details.get("monitoring_from"),
        "monitoring_until": details.get("monitoring_until"),
        "returned_to_initiative": details.get("returned_to_initiative", []), "created_at": project.created_at.isoformat(),
        "closed_at": project.closed_at.isoformat() if project.closed_at else None,
    }
    if roadmap:
        tasks = s.scalars(select(KzRoadmapTask).where(KzRoadmapTask.project_id == project.id)
                          .order_by(KzRoadmapTask.due_date, KzRoadmapTask.id))
        view["roadmap"] = [task_view(t, today) for t in tasks]
    return view
