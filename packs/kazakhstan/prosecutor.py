"""The prosecutor's filter of seed 003 (items 57–60): a measure of a prohibitive or restrictive
character that a state body means to impose on an investor of a project is approved by the
prosecutor's office through the platform first.

Who proposes: a local executive body (item 58) or a central state body — the authorized body or
a national company of the quasi-state sector (item 57). Territoriality (item 59): a local body's
act goes to a regional prosecutor's office (`level` 'regional'), a central body's to the General
Prosecutor's Office ('general'); the proposer names the office (an organisation of kind
'prosecutor'), and only that office's prosecutors decide: approve, or refuse with a reason.
Readers: the proposing organisation, prosecutors, the investor of the project's company, and the
analyst / auditor / admin / authorized body roles.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from packs.kazakhstan.models import KzProsecutorCase
from packs.kazakhstan.roadmap import _event, _project
from services.context import Actor, Context
from services.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from services.models import Organisation, User
from services.notify.writer import notify

MEASURES = {  # item 58, and item 57's tax inspections, administrative cases and claims
    "suspend_activity": "приостановление деятельности субъекта",
    "suspend_permit": "приостановление действия или отзыв разрешений",
    "refuse_permit_extension": "отказ в продлении разрешений",
    "cancel_decision": "отмена решений, вынесенных в пользу инвестора",
    "terminate_contract": "расторжение контракта",
    "tax_inspection": "назначение налоговой проверки",
    "administrative_case": "дело об административном правонарушении",
    "lawsuit": "иск государственного или местного органа",
}
LEVEL_OF = {"local_exec": "regional", "authorized_body": "general", "national_company": "general"}
READERS = ("prosecutor", "analyst", "auditor", "admin", "authorized_body")


def _view(c: KzProsecutorCase) -> dict[str, Any]:
    return {"id": c.id, "project_id": c.project_id, "measure": c.measure, "measure_name": MEASURES[c.measure],
            "act": c.act, "justification": c.justification, "body_org": c.body_org, "level": c.level,
            "region": c.region, "prosecutor_org": c.prosecutor_org, "state": c.state,
            "decision_comment": c.decision_comment, "decided_by": c.decided_by,
            "decided_at": c.decided_at.isoformat() if c.decided_at else None, "created_by": c.created_by,
            "created_at": c.created_at.isoformat()}


def _people(s: Session, org: str | None, role: str) -> list[str]:
    return [u.login for u in s.scalars(select(User).where(User.org_code == org, User.active.is_(True)).order_by(User.id))
            if role in u.role_list]


def submit(ctx: Context, actor: Actor, project_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Items 57–59: a state body sends a measure against the project's investor for approval
    (`body` as packs/kazakhstan/web/schemas.py `ProsecutorCaseIn` loads it)."""
    level = LEVEL_OF.get(actor.org_kind) if actor.has("local_exec", "authorized_body", "initiator") else None
    if level is None:
        raise NotPermitted("Меры на согласование направляют государственные органы (п. 58)")
    measure, act, justification = body["measure"], body["act"], body["justification"]
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = _project(s, actor, project_id)
        office = s.scalar(select(Organisation).where(Organisation.code == body["prosecutor_org"]))
        if office is None or office.kind != "prosecutor":
            raise ValidationFailed("Проверьте меру для согласования",
                                   {"prosecutor_org": ["нужна организация вида 'prosecutor'"]})
        case = KzProsecutorCase(project_id=project.id, measure=measure, act=act, justification=justification,
                                body_org=actor.org_code, level=level, region=project.region,
                                prosecutor_org=office.code, state="pending", created_by=actor.login, created_at=now)
        s.add(case)
        s.flush()
        _event(s, project, actor, "prosecutor_case_submitted", now, {"case": case.id, "measure": measure})
        notify(s, _people(s, office.code, "prosecutor"), "kz_prosecutor_case", None,
               f"Мера «{MEASURES[measure]}» по проекту «{project.name}» направлена на согласование (п. 58)", now,
               key=f"kz_prosecutor_case-{case.id}")
        view = _view(case)
        uow.commit()
        return view


def _visible(actor: Actor, case: KzProsecutorCase, company_org: str | None) -> bool:
    return (actor.has(*READERS) or actor.org_code == case.body_org
            or (actor.has("investor") and company_org is not None and actor.org_code == company_org))


def list_cases(ctx: Context, actor: Actor, project_id: int) -> list[dict[str, Any]]:
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = _project(s, actor, project_id)
        rows = s.scalars(select(KzProsecutorCase).where(KzProsecutorCase.project_id == project.id)
                         .order_by(KzProsecutorCase.id))
        return [_view(c) for c in rows if _visible(actor, c, project.company_org)]


def decide(ctx: Context, actor: Actor, case_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Item 58: the named prosecutor's office approves the measure or refuses it with a reason
    (`body`: approved, comment, as packs/kazakhstan/web/schemas.py `ProsecutorDecisionIn` loads it)."""
    approved, comment = body["approved"], body["comment"]
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        case = s.scalars(select(KzProsecutorCase).where(KzProsecutorCase.id == case_id).with_for_update()).one_or_none()
        if case is None:
            raise NotFound("Мера не найдена")
        project = _project(s, actor, case.project_id)
        if not _visible(actor, case, project.company_org):
            raise NotFound("Мера не найдена")
        if not (actor.has("prosecutor") and actor.org_code == case.prosecutor_org):
            raise NotPermitted("Решение принимает орган прокуратуры, куда направлена мера (п. 59)")
        if case.state != "pending":
            raise InvalidTransition("Решение по мере уже принято")
        case.state = "approved" if approved else "refused"
        case.decision_comment, case.decided_by, case.decided_at = comment, actor.login, now
        _event(s, project, actor, f"prosecutor_case_{case.state}", now, {"case": case.id, "comment": comment})
        word = "согласована" if approved else "не согласована"
        notify(s, [case.created_by, *_people(s, project.company_org, "investor")], "kz_prosecutor_decision", None,
               f"Мера «{MEASURES[case.measure]}» по проекту «{project.name}» {word} прокуратурой", now,
               key=f"kz_prosecutor_decision-{case.id}")
        view = _view(case)
        uow.commit()
        return view


def office_queue(ctx: Context, actor: Actor, state: str | None = "pending") -> list[dict[str, Any]]:
    """A prosecutor's office's cases (by default those awaiting its decision), oldest first."""
    if not actor.has("prosecutor"):
        raise NotPermitted("Очередь мер — для органов прокуратуры")
    if state not in (None, "pending", "approved", "refused"):
        raise ValidationFailed("Неизвестное состояние", {"state": ["pending, approved или refused"]})
    with ctx.db.unit_of_work() as uow:
        query = select(KzProsecutorCase).where(KzProsecutorCase.prosecutor_org == actor.org_code)
        if state:
            query = query.where(KzProsecutorCase.state == state)
        return [_view(c) for c in uow.session.scalars(query.order_by(KzProsecutorCase.created_at, KzProsecutorCase.id))]
