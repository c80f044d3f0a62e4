"""Module 1 of seed 003 (items 37–40): an initiator hands an initiative — company and contact card
with KYC, meeting cards, the visit — to a local executive body; the project's process starts."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import NotPermitted, ValidationFailed

from .context import Actor, Context
from .kz_projects import (
    HANDOVER_WORKING_DAYS,
    INITIATIVE_DAYS,
    PROCESS_ID,
    SUBJECT,
    apply_run,
    calendar,
    end_of_day,
    local_day,
)
from .kz_views import project_view
from .models import Organisation, Project


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


def _text(body: dict, name: str, errors: dict, required: bool = True, limit: int = 2000) -> str | None:
    value = body.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[name] = ["обязательное поле"]
        return None
    if not isinstance(value, str) or len(value) > limit:
        errors[name] = [f"строка до {limit} символов"]
        return None
    return value.strip()


def _date(value: Any, name: str, errors: dict) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[name] = ["дата в формате ГГГГ-ММ-ДД"]
        return None


def _initiative_card(body: dict[str, Any], errors: dict) -> dict[str, Any]:
    """Module 1 (items 37–39): company and contact card with KYC, meeting cards, the visit."""
    company = body.get("company") if isinstance(body.get("company"), dict) else {}
    if not company:
        errors["company"] = ["карточка компании: name, country, sector, contact"]
    card = {"company": {k: _text(company, k, errors, required=k != "size", limit=500)
                        for k in ("name", "country", "sector", "size", "contact")}}
    kyc = body.get("kyc") if isinstance(body.get("kyc"), dict) else {}
    if kyc.get("passed") is not True:
        errors["kyc"] = ["процедура KYC должна быть пройдена (passed: true)"]
    card["kyc"] = {"passed": kyc.get("passed") is True, "notes": kyc.get("notes") if isinstance(kyc.get("notes"), str) else None}
    meetings = body.get("meetings")
    if not isinstance(meetings, list) or not meetings or not all(isinstance(m, dict) for m in meetings):
        errors["meetings"] = ["хотя бы одна карточка встречи (date, participants, subject, agreements)"]
        meetings = []
    card["meetings"] = []
    for i, meeting in enumerate(meetings[:50]):
        sub: dict = {}
        entry = {k: _text(meeting, k, sub, limit=2000) for k in ("participants", "subject", "agreements")}
        entry["date"] = (_date(meeting.get("date"), "date", sub) or "").__str__() or None
        if not meeting.get("date"):
            sub["date"] = ["обязательное поле"]
        if sub:
            errors[f"meetings[{i}]"] = [f"{k}: {'; '.join(v)}" for k, v in sub.items()]
        card["meetings"].append(entry)
    visit = body.get("visit") if isinstance(body.get("visit"), dict) else None
    if visit is not None:
        sub = {}
        card["visit"] = {"purpose": _text(visit, "purpose", sub, required=False),
                         "responsible": _text(visit, "responsible", sub, required=False),
                         "outcome": _text(visit, "outcome", sub, required=False),
                         "held_on": _date(visit.get("held_on"), "held_on", sub)}
        if sub:
            errors["visit"] = [f"{k}: {'; '.join(v)}" for k, v in sub.items()]
    return card


def create_initiative(ctx: Context, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    """An initiator hands an initiative to a local executive body (items 37–40)."""
    if not actor.has("initiator"):
        raise NotPermitted("Инициативу создаёт орган-инициатор")
    errors: dict[str, list[str]] = {}
    name = _text(body, "name", errors, limit=500)
    region = _text(body, "region", errors, limit=120)
    card = _initiative_card(body, errors)
    unknown = set(body) - {"name", "region", "local_exec_org", "company_org", "company", "kyc", "meetings", "visit"}
    errors.update({k: ["поле не предусмотрено"] for k in sorted(unknown)})
    if not isinstance(body.get("local_exec_org"), str):
        errors["local_exec_org"] = ["код местного исполнительного органа"]
    if errors:
        raise ValidationFailed("Проверьте карточку инициативы", errors)
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        local_exec = _org_of_kind(s, body["local_exec_org"], "local_exec", "local_exec_org")
        company_org = body.get("company_org")
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
