"""Module 1 after the start (seed 003 item 42): further meetings with the people concerned and the
visit's results filled in by hand while the project is an initiative, and the project's chat.

Meetings and the visit are written by the project's initiator organisation and its local executive
body (the two sides of Module 1) while the project is at the initiative stage; afterwards 409. The
chat is open to the participants of the process — those two organisations, the investor's company,
the Chamber and the authorized body — until the project is closed; the other agency roles read it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from packs.kazakhstan.models import KzMessage
from packs.kazakhstan.projects import local_day
from packs.kazakhstan.roadmap import _event, _project
from packs.kazakhstan.status import KZ_FINAL, STAGE_OF
from services.context import Actor, Context
from services.errors import InvalidTransition, NotPermitted, ValidationFailed
from services.models import Project


def _module1_side(actor: Actor, project: Project) -> None:
    details = project.details or {}
    ok = (actor.has("local_exec") and actor.org_code == details.get("local_exec_org")) or (
        actor.has("initiator") and actor.org_code == details.get("initiator_org"))
    if not ok:
        raise NotPermitted("Встречи и визит ведут орган-инициатор и местный исполнительный орган проекта")
    if STAGE_OF.get(project.status) != "initiative" or project.status in KZ_FINAL:
        raise InvalidTransition("Встречи и визит записываются, пока проект — инициатива (Модуль 1)")


def _locked(s: Session, actor: Actor, project_id: int) -> Project:
    """The project, its row locked for the change of `details` (two writers do not lose an entry)."""
    _project(s, actor, project_id)
    return s.scalars(select(Project).where(Project.id == project_id).with_for_update()
                     .execution_options(populate_existing=True)).one()


def add_meeting(ctx: Context, actor: Actor, project_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Item 42: a further meeting card (`body`: date, participants, subject, agreements, as
    packs/kazakhstan/web/schemas.py `MeetingCardIn` loads it)."""
    entry: dict[str, Any] = {k: body[k] for k in ("participants", "subject", "agreements")}
    held = body["date"]
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = _locked(s, actor, project_id)
        _module1_side(actor, project)
        entry.update(date=held.isoformat(), added_by=actor.login, added_at=now.isoformat())
        card = dict((project.details or {}).get("initiative") or {})
        card["meetings"] = [*card.get("meetings", []), entry]
        project.details = {**project.details, "initiative": card}
        project.info_updated_at = now
        _event(s, project, actor, "meeting_added", now, {"date": entry["date"], "subject": entry["subject"]})
        uow.commit()
        return {"meetings": card["meetings"]}


def record_visit(ctx: Context, actor: Actor, project_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Item 42: the visit's results filled in by hand (`body`: held_on, purpose, responsible, outcome,
    as packs/kazakhstan/web/schemas.py `VisitIn` loads it)."""
    visit: dict[str, Any] = {k: body[k] for k in ("purpose", "responsible", "outcome")}
    held = body["held_on"]
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = _locked(s, actor, project_id)
        _module1_side(actor, project)
        if held > local_day(now):
            raise ValidationFailed("Проверьте итоги визита", {"held_on": ["визит ещё не состоялся"]})
        card = dict((project.details or {}).get("initiative") or {})
        before = card.get("visit") or {}
        # The handover days of item 39 belong to the visit given with the initiative; kept as they were.
        card["visit"] = {**{k: before[k] for k in ("handover_due", "handed_over_late") if k in before},
                         **visit, "held_on": held.isoformat(), "filled_by": actor.login,
                         "filled_at": now.isoformat()}
        project.details = {**project.details, "initiative": card}
        project.info_updated_at = now
        _event(s, project, actor, "visit_recorded", now, {"held_on": held.isoformat(), "outcome": visit["outcome"]})
        uow.commit()
        return {"visit": card["visit"]}


def _may_write(actor: Actor, project: Project) -> bool:
    details = project.details or {}
    own = {details.get("initiator_org"), details.get("local_exec_org"), project.company_org} - {None}
    return actor.org_code in own or actor.has("chamber", "authorized_body")


def _message_view(m: KzMessage) -> dict[str, Any]:
    return {"id": m.id, "author": m.author, "author_org": m.author_org, "text": m.text,
            "created_at": m.created_at.isoformat()}


def list_messages(ctx: Context, actor: Actor, project_id: int) -> dict[str, Any]:
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = _project(s, actor, project_id)
        rows = s.scalars(select(KzMessage).where(KzMessage.project_id == project.id).order_by(KzMessage.id))
        return {"items": [_message_view(m) for m in rows], "can_write": _may_write(actor, project)
                and project.status not in KZ_FINAL}


def post_message(ctx: Context, actor: Actor, project_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Item 42: a message in the project's chat (`body["text"]`, checked by packs/kazakhstan/web/schemas.py `MessageIn`)."""
    text = body["text"]
    now: datetime = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        project = _project(s, actor, project_id)
        if not _may_write(actor, project):
            raise NotPermitted("В чате проекта пишут участники процесса")
        if project.status in KZ_FINAL:
            raise InvalidTransition("Проект закрыт, чат только для чтения")
        message = KzMessage(project_id=project.id, author=actor.login, author_org=actor.org_code or None,
                            text=text, created_at=now)
        s.add(message)
        s.flush()
        view = _message_view(message)
        uow.commit()
        return view
