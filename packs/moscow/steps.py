"""The Moscow region's own steps of workflows/bpmn/moscow/appeal.bpmn (seed 004), on top of the
shared appeal steps (services/appeals/steps.py):

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

from packs.moscow import knowledge
from services.appeals import steps as base
from services.context import Context
from services.errors import ValidationFailed
from services.models import EXECUTOR_KINDS, Appeal, Organisation
from services.notify.writer import notify
from services.steps import Action, Choice, Field, Step, StepCall, required
from services.visibility import INTERNAL

ROUTES = ("single", "several", "omsu")


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
        base.route(session, appeal, code, now)
    return {"route": route, "part_orgs": codes, "part_org": codes[0], "parts_left": len(codes)}


def next_part(ctx: Context, session: Session, appeal: Appeal, org_code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """After `org_code` handed in its part: the next participant (sequential), how many are left."""
    orgs = list(ctx.engine.data(session, appeal.instance_id).get("part_orgs") or [])
    rest = orgs[orgs.index(org_code) + 1:] if org_code in orgs else []
    return ({"part_org": rest[0] if rest else None, "parts_left": len(rest)},
            {"part_org": org_code, "parts_left": len(rest)})


def kb_answer(c: StepCall) -> None:
    """Answer a simple consultation with a knowledge-base script: sent at once, the rating starts."""
    ctx, session, actor, appeal, fields, now = c.ctx, c.session, c.actor, c.subject, c.fields, c.now
    if appeal.appeal_type != "simple_consultation":
        raise ValidationFailed("По базе знаний отвечают на простую консультацию",
                               {"article": [f"тип обращения: {appeal.appeal_type}"]})
    script = knowledge.article(ctx, fields["article"])
    appeal.answer_text, appeal.outcome, appeal.answered_at = script["answer"], "resolved", now
    appeal.coordinator_login = appeal.coordinator_login or actor.login
    due = now + timedelta(days=ctx.settings.rating_period_days)
    notify(session, [appeal.investor_login], "answer_ready", appeal, f"Получен ответ на обращение №{appeal.number}", now)
    c.extra.update(outcome="resolved", rating_due_at=due.isoformat(), coordinator=appeal.coordinator_login)
    c.history["article_title"] = script["title"]


def first_response(c: StepCall) -> None:
    notify(c.session, [c.subject.investor_login], "first_response", c.subject,
           f"Первичный ответ по обращению №{c.subject.number}", c.now)


def accept(c: StepCall) -> None:
    """The shared accept, then the chosen algorithm's queue of parts (no `route`: one agency)."""
    base.accept(c)
    if "route" in c.fields or "co_orgs" in c.fields:
        c.extra.update(route_parts(c.session, c.subject, c.subject.executor_org, c.fields, c.now))


def part(c: StepCall) -> None:
    """An agency or municipality handed in its part: the next participant, how many are left."""
    extra, history = next_part(c.ctx, c.session, c.subject, c.task_org)
    c.extra.update(extra)
    c.history.update(history)


ROUTE_CHOICES = (Choice("single", "Одно ведомство", "One agency"),
                 Choice("several", "Несколько ведомств по очереди", "Several agencies in turn"),
                 Choice("omsu", "С позицией ОМСУ", "With the municipalities' position"))
ACCEPT = Action("accept", "Принять и направить по алгоритму", "Accept and route by an algorithm",
                (base.EXECUTOR, Field("route", "text", False, "Алгоритм отработки", "Routing algorithm",
                                      choices=ROUTE_CHOICES),
                 Field("co_orgs", "text", False, "Соисполнители (коды через запятую)",
                       "Co-executors (codes, comma-separated)", lookup="executor_orgs"),
                 base.MANAGER, base.SUBJECT, base.DESCRIPTION), accept)
KB_ANSWER = Action("kb_answer", "Ответить по базе знаний", "Answer from the knowledge base",
                   (required("article", "Статья базы знаний", "Knowledge-base article", lookup="knowledge_articles"),),
                   kb_answer)
MODERATION = next(step for step in base.STEPS if step.name == "moderation").with_actions(ACCEPT, KB_ANSWER)

STEPS = (
    *base.STEPS, MODERATION,
    Step("first_response", "Первичный ответ", "First response", "appeal", ("manager",),
         (Action("respond", "Отправить первичный ответ", "Send the first response",
                 (required("text", "Текст", "Text"),), first_response, comment=("first_response", "text")),)),
    Step("contribution", "Часть ответа соисполнителя", "A co-executor's part", "appeal", ("manager",),
         (Action("part", "Отправить часть ответа", "Send the part of the answer", (required("text", "Текст", "Text"),),
                 part, comment=("agency_part", "text"), visibility=INTERNAL),)),
)
"""The Moscow appeal's steps: the shared ones, `moderation` with the algorithms and the knowledge
base, the first response and the co-executors' parts."""
