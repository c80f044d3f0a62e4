"""The Moscow region's own steps of workflows/bpmn/moscow/appeal.bpmn (seed 004).

- the ЦУР moderator picks one of the three typical algorithms (`route`): `single` (one agency),
  `several` (other agencies each give their part first, one after another, then the lead agency
  answers) or `omsu` (municipalities give their position first); `co_orgs` lists those others;
- a simple consultation may be answered at once from the knowledge base (`kb_answer`);
- a complex consultation's executor gives a first response (`first_response` → `respond`);
- each participating agency or municipality hands in its part (`contribution` → `part`).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import ValidationFailed
from packs.moscow import knowledge
from services.context import Actor, Context
from services.models import EXECUTOR_KINDS, Appeal, AppealRoute, Organisation, User
from services.notify.writer import notify

ROUTES = ("single", "several", "omsu")


def _routed(session: Session, appeal: Appeal, code: str, now: datetime) -> None:
    if session.scalar(select(AppealRoute).where(AppealRoute.appeal_id == appeal.id,
                                                AppealRoute.org_code == code)) is None:
        session.add(AppealRoute(appeal_id=appeal.id, org_code=code, routed_at=now))


def route_parts(session: Session, appeal: Appeal, lead: str, fields: dict[str, Any],
                now: datetime) -> dict[str, Any]:
    """Check the algorithm and the participating organisations; the process data of the parts queue."""
    route = fields.get("route") or "single"
    if route not in ROUTES:
        raise ValidationFailed("Неизвестный алгоритм отработки", {"route": [f"одно из: {', '.join(ROUTES)}"]})
    codes = list(dict.fromkeys(c for c in re.split(r"[\s,;]+", fields.get("co_orgs") or "") if c))
    if route == "single":
        if codes:
            raise ValidationFailed("Для одного ведомства соисполнители не указываются",
                                   {"co_orgs": ["оставьте пустым или выберите другой алгоритм"]})
        return {"route": route, "part_orgs": [], "part_org": None, "parts_left": 0}
    if not codes:
        raise ValidationFailed("Укажите участников", {"co_orgs": ["хотя бы одна организация"]})
    orgs = {o.code: o for o in session.scalars(select(Organisation).where(Organisation.code.in_(codes)))}
    errors = []
    for code in codes:
        org = orgs.get(code)
        if org is None:
            errors.append(f"нет организации '{code}'")
        elif code == lead:
            errors.append(f"'{code}' — ведущий исполнитель")
        elif route == "omsu" and org.kind != "omsu":
            errors.append(f"'{code}' не ОМСУ")
        elif route == "several" and (org.kind not in EXECUTOR_KINDS or org.kind == "omsu"):
            errors.append(f"'{code}' не ведомство")
    if errors:
        raise ValidationFailed("Проверьте участников", {"co_orgs": errors})
    for code in codes:
        _routed(session, appeal, code, now)
    return {"route": route, "part_orgs": codes, "part_org": codes[0], "parts_left": len(codes)}


def control_org(session: Session, executor: str, agency: str) -> str:
    """Who controls the answer: the executing body when it has an active head (deputy minister,
    deputy head of the municipality), else the single window (ЦУР)."""
    head = session.scalar(select(User.login).where(User.org_code == executor, User.active.is_(True),
                                                   User.roles.like("%head%")).limit(1))
    return executor if head else agency


def next_part(ctx: Context, session: Session, appeal: Appeal, org_code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """After `org_code` handed in its part: the next participant (sequential), how many are left."""
    orgs = list(ctx.engine.data(session, appeal.instance_id).get("part_orgs") or [])
    rest = orgs[orgs.index(org_code) + 1:] if org_code in orgs else []
    return ({"part_org": rest[0] if rest else None, "parts_left": len(rest)},
            {"part_org": org_code, "parts_left": len(rest)})


def kb_answer(ctx: Context, session: Session, actor: Actor, appeal: Appeal, fields: dict[str, Any],
              now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """Answer a simple consultation with a knowledge-base script: sent at once, the rating starts."""
    if appeal.appeal_type != "simple_consultation":
        raise ValidationFailed("По базе знаний отвечают на простую консультацию",
                               {"article": [f"тип обращения: {appeal.appeal_type}"]})
    script = knowledge.article(ctx, fields["article"])
    appeal.answer_text, appeal.outcome, appeal.answered_at = script["answer"], "resolved", now
    appeal.coordinator_login = appeal.coordinator_login or actor.login
    due = now + timedelta(days=ctx.settings.rating_period_days)
    notify(session, [appeal.investor_login], "answer_ready", appeal, f"Получен ответ на обращение №{appeal.number}", now)
    return ({"outcome": "resolved", "rating_due_at": due.isoformat(), "coordinator": appeal.coordinator_login},
            {"article_title": script["title"]})


def first_response(session: Session, appeal: Appeal, now: datetime) -> None:
    notify(session, [appeal.investor_login], "first_response", appeal,
           f"Первичный ответ по обращению №{appeal.number}", now)
