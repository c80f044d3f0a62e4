"""The dashboard (seed 001: «Система дашборд сводит все основные метрики на один экран»).

Open / overdue / due within 10 days (seed 003 item 61 colours) / answered this month, average
rating and average time to answer, overall and per executing organisation, plus a weekly trend.
All figures are SQL aggregates over the reader's report scope (services/reports.py).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select

from services.context import Actor, Context
from services.models import Appeal, Organisation
from services.reports.appeals import no_jit, scope_conditions

WEEKS = 12
DUE_SOON_DAYS = 10


def _answer_days(dialect: str):
    if dialect == "postgresql":
        return func.extract("epoch", Appeal.answered_at - Appeal.received_at) / 86400.0
    return func.julianday(Appeal.answered_at) - func.julianday(Appeal.received_at)


def _measures(now: datetime, month_start: datetime, weeks: list[datetime], dialect: str) -> list:
    """Additive sums only, so the totals are the sum of the organisations' rows (one scan)."""
    open_ = and_(Appeal.answered_at.is_(None), Appeal.closed_at.is_(None))
    overdue = and_(open_, Appeal.deadline_at < now)
    due_soon = and_(open_, Appeal.deadline_at >= now, Appeal.deadline_at < now + timedelta(days=DUE_SOON_DAYS))
    answered = Appeal.answered_at.is_not(None)
    columns = [func.count().label("total"),
               func.sum(case((open_, 1), else_=0)).label("open"),
               func.sum(case((overdue, 1), else_=0)).label("overdue"),
               func.sum(case((due_soon, 1), else_=0)).label("due_soon"),
               func.sum(case((Appeal.answered_at >= month_start, 1), else_=0)).label("answered_month"),
               func.sum(Appeal.rating).label("rating_sum"), func.count(Appeal.rating).label("rated"),
               func.sum(case((answered, _answer_days(dialect)), else_=None)).label("days_sum"),
               func.sum(case((answered, 1), else_=0)).label("answered")]
    for n, start in enumerate(weeks):
        end = start + timedelta(weeks=1)
        columns.append(func.sum(case((and_(Appeal.created_at >= start, Appeal.created_at < end), 1),
                                     else_=0)).label(f"c{n}"))
        columns.append(func.sum(case((and_(Appeal.answered_at >= start, Appeal.answered_at < end), 1),
                                     else_=0)).label(f"a{n}"))
    return columns


def _figures(sums: dict[str, float]) -> dict[str, Any]:
    open_, overdue, due_soon = int(sums["open"]), int(sums["overdue"]), int(sums["due_soon"])
    return {"total": int(sums["total"]), "open": open_, "overdue": overdue, "due_soon": due_soon,
            "on_track": open_ - overdue - due_soon, "answered_this_month": int(sums["answered_month"]),
            "avg_rating": round(sums["rating_sum"] / sums["rated"], 2) if sums["rated"] else None,
            "avg_days_to_answer": round(sums["days_sum"] / sums["answered"], 1) if sums["answered"] else None}


def dashboard(ctx: Context, actor: Actor) -> dict[str, Any]:
    """Every main figure on one screen for the reader's appeals: one aggregate query by
    organisation; the totals and the weekly trend add its rows up."""
    scope = scope_conditions(actor)  # 403 for readers without reports
    now = ctx.clock()
    today = now.astimezone(ctx.tz).date()
    month_start = datetime.combine(today.replace(day=1), time.min, ctx.tz)
    week_start = datetime.combine(today - timedelta(days=today.weekday()), time.min, ctx.tz)
    weeks = [week_start - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    with ctx.db.reading() as uow:
        s = uow.session
        no_jit(s)
        measures = _measures(now, month_start, weeks, s.get_bind().dialect.name)
        rows = [(r[0], {k: float(v or 0) for k, v in r._mapping.items() if k != "executor_org"})
                for r in s.execute(select(Appeal.executor_org, *measures).where(*scope).group_by(Appeal.executor_org))]
        names = dict(s.execute(select(Organisation.code, Organisation.name)
                               .where(Organisation.code.in_([org for org, _ in rows if org]))).all())
    totals: dict[str, float] = {m.name: 0.0 for m in measures}
    for _org, sums in rows:
        for key, value in sums.items():
            totals[key] += value
    by_org = sorted(({"org": org, "name": names.get(org, org) if org else None, **_figures(sums)}
                     for org, sums in rows), key=lambda o: (-o["overdue"], -o["open"], o["name"] or ""))
    trend = [{"week": start.date(), "created": int(totals[f"c{n}"]), "answered": int(totals[f"a{n}"])}
             for n, start in enumerate(weeks)]
    return {"at": now, "totals": _figures(totals), "by_org": by_org, "trend": trend, "due_soon_days": DUE_SOON_DAYS}
