"""Reports of seed 001 («Отчетность системы Обращений (МОС)»): by appeal type and by executor × category.

Both count the appeals the caller may see, created in a period of local dates.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from engine.errors import NotPermitted, ValidationFailed

from .appeals import visible_appeals
from .context import Actor, Context
from .models import Appeal, User

REPORT_ROLES = ("head", "deputy_director", "moderator", "coordinator", "manager", "auditor", "admin", "analyst")


def _period(ctx: Context, start: date | None, end: date | None) -> tuple[date, date, datetime, datetime]:
    today = ctx.clock().astimezone(ctx.tz).date()
    end = end or today
    start = start or end.replace(day=1)
    if start > end:
        raise ValidationFailed("Неверный период", {"from": ["начало периода позже конца"]})
    lo = datetime.combine(start, time.min, ctx.tz)
    hi = datetime.combine(end + timedelta(days=1), time.min, ctx.tz)
    return start, end, lo, hi


def _measures(now: datetime):
    answered = Appeal.answered_at.is_not(None)
    overdue = or_(and_(answered, Appeal.answered_at > Appeal.deadline_at),
                  and_(Appeal.answered_at.is_(None), Appeal.closed_at.is_(None), Appeal.deadline_at < now))
    return [func.count(Appeal.id).label("count"),
            func.sum(case((answered, 1), else_=0)).label("answered"),
            func.sum(case((and_(Appeal.answered_at.is_(None), Appeal.closed_at.is_(None)), 1), else_=0)).label("in_work"),
            func.sum(case((overdue, 1), else_=0)).label("overdue"),
            func.sum(case((Appeal.rework_count > 0, 1), else_=0)).label("reworked"),
            func.avg(Appeal.rating).label("avg_rating")]


def _row(r) -> dict[str, Any]:
    count = int(r.count or 0)
    return {"count": count, "answered": int(r.answered or 0), "in_work": int(r.in_work or 0),
            "overdue": int(r.overdue or 0),
            "rework_percent": round(100.0 * int(r.reworked or 0) / count, 1) if count else 0.0,
            "avg_rating": round(float(r.avg_rating), 2) if r.avg_rating is not None else None}


def _scope(ctx: Context, actor: Actor, lo: datetime, hi: datetime, filters: dict[str, str] | None):
    """The appeals the caller may see created in [lo, hi), narrowed by the side-panel filters."""
    query = visible_appeals(actor).where(Appeal.created_at >= lo, Appeal.created_at < hi)
    for name, column in (("org", Appeal.executor_org), ("appeal_type", Appeal.appeal_type),
                         ("channel", Appeal.channel), ("status", Appeal.status)):
        if (filters or {}).get(name):
            query = query.where(column == filters[name])
    return query.subquery()


def _check(actor: Actor) -> None:
    if not actor.has(*REPORT_ROLES):
        raise NotPermitted("Отчёты доступны сотрудникам")


def appeals_by_type(ctx: Context, actor: Actor, start: date | None = None, end: date | None = None,
                    filters: dict[str, str] | None = None) -> dict[str, Any]:
    """«Общее количество обращений по типу»: count, answered, in work, overdue, average rating, total."""
    _check(actor)
    start, end, lo, hi = _period(ctx, start, end)
    now = ctx.clock()
    scope = _scope(ctx, actor, lo, hi, filters)
    with ctx.db.unit_of_work() as uow:
        query = select(Appeal.appeal_type, *_measures(now)).join(scope, scope.c.id == Appeal.id)
        found = {r.appeal_type: _row(r) for r in uow.session.execute(query.group_by(Appeal.appeal_type))}
        total = _row(uow.session.execute(select(*_measures(now)).join(scope, scope.c.id == Appeal.id)).one())
    rows = [{"appeal_type": code, "name": t.name_ru, **found.get(code, _row(_Empty))}
            for code, t in ctx.classifier.appeal_types.items()]
    return {"title": "Общее количество обращений по типу", "exported_at": now, "from": start, "to": end,
            "filters": filters or {}, "rows": rows, "total": total}


class _Empty:
    count = answered = in_work = overdue = reworked = 0
    avg_rating = None


def appeals_by_executor(ctx: Context, actor: Actor, start: date | None = None, end: date | None = None,
                        org: str | None = None, filters: dict[str, str] | None = None) -> dict[str, Any]:
    """«Общее количество по категориям»: per executor, category → subcategory → fact."""
    _check(actor)
    start, end, lo, hi = _period(ctx, start, end)
    now = ctx.clock()
    scope = _scope(ctx, actor, lo, hi, {**(filters or {}), **({"org": org} if org else {})})
    keys = (Appeal.manager_login, Appeal.category_code, Appeal.subcategory_code, Appeal.fact_code)
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        levels = {}
        for depth in range(1, 5):
            cols = keys[:depth]
            query = select(*cols, *_measures(now)).join(scope, scope.c.id == Appeal.id).group_by(*cols)
            levels[depth] = {tuple(r[:depth]): _row(r) for r in s.execute(query)}
        names = {u.login: u.name for u in s.scalars(select(User).where(
            User.login.in_([k[0] for k in levels[1] if k[0]])))}
        total = _row(s.execute(select(*_measures(now)).join(scope, scope.c.id == Appeal.id)).one())
    executors = []
    for (login,), measures in sorted(levels[1].items(), key=lambda kv: kv[0][0] or ""):
        executor = {"executor": login, "name": names.get(login, "Не назначен") if login else "Не назначен",
                    **measures, "categories": []}
        for (lg, cat), m in levels[2].items():
            if lg != login:
                continue
            category = {"code": cat, "name": _name(ctx, cat, 0), **m, "subcategories": []}
            for (lg2, cat2, sub), m2 in levels[3].items():
                if (lg2, cat2) != (login, cat):
                    continue
                facts = [{"code": f, "name": ctx.classifier.fact(f).name, **m3}
                         for (lg3, c3, s3, f), m3 in levels[4].items() if (lg3, c3, s3) == (login, cat, sub)]
                category["subcategories"].append({"code": sub, "name": _name(ctx, sub, 1), **m2, "facts": facts})
            executor["categories"].append(category)
        executors.append(executor)
    return {"title": "Общее количество по категориям", "exported_at": now, "from": start, "to": end,
            "filters": filters or {}, "executors": executors, "total": total}


def _name(ctx: Context, code: str, level: int) -> str:
    for fact in ctx.classifier.facts():
        if level == 0 and fact.category_code == code:
            return fact.category_name
        if level == 1 and fact.subcategory_code == code:
            return fact.subcategory_name
    return code
