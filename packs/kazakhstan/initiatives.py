"""Module 1 of seed 003 (items 37–40): an initiator hands an initiative — company and contact card
with KYC, meeting cards, the visit — to a local executive body; the project's process starts."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from packs.kazakhstan.projects import (
    HANDOVER_WORKING_DAYS,
    INITIATIVE_DAYS,
    PROCESS_ID,
    SUBJECT,
    apply_run,
    calendar,
    end_of_day,
    local_day,
)
from packs.kazakhstan.views import project_view
from services.context import Actor, Context
from services.errors import NotPermitted, ValidationFailed
from services.models import Organisation, Project


def _org_of_kind(session: Session, code: str | None, kind: str, field: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.code == code)) if code else None
    if org is None or org.kind != kind:
        raise ValidationFailed("Неизвестная организация", {field: [f"нужна организация вида '{kind}'"]})
    return org


def _first_org(session: Session, kind: str) -> str:
    code = session.scalar(select(Organisation.code).where(Organisation.kind == kind).order_by(Organisation.id).limit(1))
    if code is None:
        raise ValidationFailed("Не настроены организации Казахстана", {"org": [f"нет организации вида '{kind}'"]})
    return code


def create_initiative(ctx: Context, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    """An initiator hands an initiative to a local executive body (items 37–40). `body` is checked
    for shape before (packs/kazakhstan/web/schemas.py `InitiativeIn`); here what needs the database."""
    if not actor.has("initiator"):
        raise NotPermitted("Инициативу создаёт орган-инициатор")
    name, region, company_org = body["name"], body["region"], body.get("company_org")
    card: dict[str, Any] = {"company": dict(body["company"]), "kyc": dict(body["kyc"]),
                            "meetings": [{**m, "date": m["date"].isoformat()} for m in body["meetings"]]}
    if body.get("visit") is not None:
        card["visit"] = dict(body["visit"])
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        local_exec = _org_of_kind(s, body["local_exec_org"], "local_exec", "local_exec_org")
        if company_org is not None:
            _org_of_kind(s, company_org, "company", "company_org")
        today, cal = local_day(now), calendar(s)
        held_on = (card.get("visit") or {}).get("held_on")
        if held_on:
            handover_due = cal.add_working_days(held_on, HANDOVER_WORKING_DAYS)
            card["visit"].update(held_on=held_on.isoformat(), handover_due=handover_due.isoformat(),
                                 handed_over_late=today > handover_due)
        review_due = today + timedelta(days=INITIATIVE_DAYS)
        project = Project(pack="kazakhstan", name=name, company_name=card["company"]["name"],
                          sector=card["company"]["sector"], region=region, company_org=company_org,
                          stage="initiative", status="initiative", created_at=now, info_updated_at=now,
                          details={"initiative": card, "initiator_org": actor.org_code, "initiator": actor.login,
                                   "local_exec_org": local_exec.code, "review_due": review_due.isoformat(),
                                   "extended": False})
        s.add(project)
        s.flush()
        data = {"project_id": project.id, "initiator_org": actor.org_code, "initiator": actor.login,
                "local_exec_org": local_exec.code, "chamber_org": _first_org(s, "chamber"),
                "authorized_org": _first_org(s, "authorized_body"), "company_org": company_org,
                "review_due_at": end_of_day(review_due).isoformat()}
        result = ctx.engine.start(s, PROCESS_ID, SUBJECT, project.id, data, actor.login, "initiator", now)
        project.instance_id = result.instance_id
        apply_run(s, result, now)
        view = project_view(s, project, now)
        uow.commit()
        return view
