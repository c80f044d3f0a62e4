"""Reports of seed 001 («Отчетность системы Обращений (МОС)»): by appeal type and by executor × category.

Both count the appeals of the reader's scope (`report_scope`), created in a period of local dates.
Who reads reports (issue 6 "Access"): the agency's heads, deputy directors and coordinators (the
agency's appeals), analysts, auditors and admins (every appeal); the head or deputy director of
another organisation (ОИВ, ОМСУ, РСО…) sees only the appeals executed by or routed to it;
everybody else — investors, operators, moderators and managers without one of these roles — 403.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select, text, union

from services.context import Actor, Context
from services.errors import NotPermitted, ValidationFailed
from services.models import Appeal, AppealRoute, User

WIDE_REPORT_ROLES = ("analyst", "auditor", "admin")  # every appeal
AGENCY_REPORT_ROLES = ("head", "deputy_director", "coordinator")  # the agency's appeals
ORG_REPORT_ROLES = ("head", "deputy_director")  # in an executing organisation: its own appeals
NOT_EXECUTORS = ("company",)


def may_read_reports(actor: Actor | None) -> bool:
    return actor is not None and (actor.has(*WIDE_REPORT_ROLES) or (
        actor.org_kind == "agency" and actor.has(*AGENCY_REPORT_ROLES)) or (
        actor.org_kind not in ("agency", *NOT_EXECUTORS) and actor.has(*ORG_REPORT_ROLES)))


def report_scope(actor: Actor) -> Select:
    """The appeals the reader's reports and dashboard count; NotPermitted (403) for anyone else."""
    if not may_read_reports(actor):
        raise NotPermitted("Отчёты доступны руководителям, координаторам, аналитикам и аудиторам")
    query = select(Appeal)
    if actor.has(*WIDE_REPORT_ROLES):
        return query
    if actor.org_kind == "agency":
        return query.where(Appeal.agency_org == actor.org_code)
    # executed by it now, or routed to it at some time: a semi-join on two indexed lists (an OR with
    # EXISTS would scan every appeal)
    own = union(select(AppealRoute.appeal_id).where(AppealRoute.org_code == actor.org_code),
                select(Appeal.id).where(Appeal.executor_org == actor.org_code))
    return query.where(Appeal.id.in_(own))


def no_jit(session) -> None:
    """PostgreSQL's JIT spends ~0.1 s compiling each of these short aggregates: off for this
    transaction only."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def scope_conditions(actor: Actor) -> list:
    """`report_scope` as WHERE conditions (no self-join of appeals in the aggregates)."""
    clause = report_scope(actor).whereclause
    return [] if clause is None else [clause]


def _period(ctx: Context, start: date | None, end: date | None) -> tuple[date, date, datetime, datetime]:
    today = ctx.clock().astimezone(ctx.tz).date()
    end = end or today
    start = start or end.replace(day=1)
    if start > end:
        raise ValidationFailed("Неверный период", {"from": ["начало периода позже конца"]})
    lo = datetime.combine(start, time.min, ctx.tz)
    hi = datetime.combine(end + timedelta(days=1), time.min, ctx.tz)
    return start, end, lo, hi


def _measures(now: datetime) -> list:
    """Additive sums (so groups roll up exactly): the average rating is rating_sum / rated."""
    answered = Appeal.answered_at.is_not(None)
    open_ = and_(Appeal.answered_at.is_(None), Appeal.closed_at.is_(None))
    overdue = or_(and_(answered, Appeal.answered_at > Appeal.deadline_at), and_(open_, Appeal.deadline_at < now))
    return [func.count().label("count"),
            func.sum(case((answered, 1), else_=0)).label("answered"),
            func.sum(case((open_, 1), else_=0)).label("in_work"),
            func.sum(case((overdue, 1), else_=0)).label("overdue"),
            func.sum(case((Appeal.rework_count > 0, 1), else_=0)).label("reworked"),
            func.sum(Appeal.rating).label("rating_sum"), func.count(Appeal.rating).label("rated")]


SUMS = ("count", "answered", "in_work", "overdue", "reworked", "rating_sum", "rated")


def _sums(r) -> list[int]:
    return [int(getattr(r, name) or 0) for name in SUMS]


def _add(into: list[int], sums: list[int]) -> list[int]:
    for i, value in enumerate(sums):
        into[i] += value
    return into


def _row(sums: list[int]) -> dict[str, Any]:
    count, answered, in_work, overdue, reworked, rating_sum, rated = sums
    return {"count": count, "answered": answered, "in_work": in_work, "overdue": overdue,
            "rework_percent": round(100.0 * reworked / count, 1) if count else 0.0,
            "avg_rating": round(rating_sum / rated, 2) if rated else None}


def _where(actor: Actor, lo: datetime, hi: datetime, filters: dict[str, str] | None) -> list:
    """The conditions: the reader's scope, created in [lo, hi), the side-panel filters."""
    conditions = [*scope_conditions(actor), Appeal.created_at >= lo, Appeal.created_at < hi]
    for name, column in (("org", Appeal.executor_org), ("appeal_type", Appeal.appeal_type),
                         ("channel", Appeal.channel), ("status", Appeal.status)):
        if (filters or {}).get(name):
            conditions.append(column == filters[name])
    return conditions


def appeals_by_type(ctx: Context, actor: Actor, start: date | None = None, end: date | None = None,
                    filters: dict[str, str] | None = None) -> dict[str, Any]:
    """«Общее количество обращений по типу»: count, answered, in work, overdue, average rating, total.
    One aggregate query grouped by type; the total row adds the groups up."""
    report_scope(actor)
    start, end, lo, hi = _period(ctx, start, end)
    now = ctx.clock()
    with ctx.db.reading() as uow:
        no_jit(uow.session)
        query = select(Appeal.appeal_type, *_measures(now)).where(*_where(actor, lo, hi, filters))
        found = {r.appeal_type: _sums(r) for r in uow.session.execute(query.group_by(Appeal.appeal_type))}
    total = [0] * len(SUMS)
    for sums in found.values():
        _add(total, sums)
    rows = [{"appeal_type": code, "name": t.name_ru, **_row(found.get(code, [0] * len(SUMS)))}
            for code, t in ctx.classifier.appeal_types.items()]
    return {"title": "Общее количество обращений по типу", "exported_at": now, "from": start, "to": end,
            "filters": filters or {}, "rows": rows, "total": _row(total)}


def appeals_by_executor(ctx: Context, actor: Actor, start: date | None = None, end: date | None = None,
                        org: str | None = None, filters: dict[str, str] | None = None) -> dict[str, Any]:
    """«Общее количество по категориям»: per executor, category → subcategory → fact. One aggregate
    query at the fact level; executors, categories and subcategories add up its groups."""
    report_scope(actor)
    start, end, lo, hi = _period(ctx, start, end)
    now = ctx.clock()
    where = _where(actor, lo, hi, {**(filters or {}), **({"org": org} if org else {})})
    # grouped by (manager, fact) only: a fact belongs to one subcategory and category, and with
    # four keys PostgreSQL misjudges the number of groups and sorts on disk (docs/performance.md)
    query = (select(Appeal.manager_login, func.min(Appeal.category_code), func.min(Appeal.subcategory_code),
                    Appeal.fact_code, *_measures(now)).where(*where)
             .group_by(Appeal.manager_login, Appeal.fact_code))
    with ctx.db.reading() as uow:
        s = uow.session
        no_jit(s)
        groups = sorted(((tuple(r[:4]), _sums(r)) for r in s.execute(query)),
                        key=lambda g: tuple(x or "" for x in g[0]))
        logins = {k[0] for k, _ in groups if k[0]}
        names = dict(s.execute(select(User.login, User.name).where(User.login.in_(logins))).all()) if logins else {}
    tree: dict = {}
    total = [0] * len(SUMS)
    for (login, cat, sub, fact), sums in groups:
        _add(total, sums)
        node = tree
        for key in (login, cat, sub):
            node = node.setdefault(key, [[0] * len(SUMS), {}])
            _add(node[0], sums)
            node = node[1]
        node[fact] = sums
    executors = []
    for login in sorted(tree, key=lambda x: x or ""):
        sums, categories = tree[login]
        executors.append({
            "executor": login, "name": names.get(login, "Не назначен") if login else "Не назначен", **_row(sums),
            "categories": [{"code": cat, "name": _name(ctx, cat, 0), **_row(csums), "subcategories": [
                {"code": sub, "name": _name(ctx, sub, 1), **_row(ssums), "facts": [
                    {"code": f, "name": ctx.classifier.fact(f).name, **_row(fsums)} for f, fsums in facts.items()]}
                for sub, (ssums, facts) in subs.items()]} for cat, (csums, subs) in categories.items()]})
    return {"title": "Общее количество по категориям", "exported_at": now, "from": start, "to": end,
            "filters": filters or {}, "executors": executors, "total": _row(total)}


def _name(ctx: Context, code: str, level: int) -> str:
    names = ctx.__dict__.get("_tree_names")
    if names is None:
        names = {}
        for fact in ctx.classifier.facts():
            names.setdefault((0, fact.category_code), fact.category_name)
            names.setdefault((1, fact.subcategory_code), fact.subcategory_name)
        ctx.__dict__["_tree_names"] = names
    return names.get((level, code), code)
