"""The dashboard (seed 001: «Система дашборд сводит все основные метрики на один экран»).

Open / overdue / due within 10 days (seed 003 item 61 colours) / answered this month, average
rating and average time to answer, overall and per executing organisation, plus a weekly trend.
All figures are SQL aggregates over the reader's report scope (services/reports.py).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select

from .context import Actor, Context
from .models import Appeal, Organisation
from .reports import scope_conditions

WEEKS = 12
DUE_SOON_DAYS = 10


def _answer_days(dialect: str):
    if dialect == "postgresql":
        return func.extract("epoch", Appeal.answered_at - Appeal.received_at) / 86400.0
    return func.julianday(Appeal.answered_at) - func.julianday(Appeal.received_at)


def _measures(now: datetime, month_start: datetime, dialect: str) -> list:
    open_ = and_(Appeal.answered_at.is_(None), Appeal.closed_at.is_(None))
    overdue = and_(open_, Appeal.deadline_at < now)
    due_soon = and_(open_, Appeal.deadline_at >= now, Appeal.deadline_at < now + timedelta(days=DUE_SOON_DAYS))
    return [func.count(Appeal.id).label("total"),
            func.sum(case((open_, 1), else_=0)).label("open"),
            func.sum(case((overdue, 1), else_=0)).label("overdue"),
            func.sum(case((due_soon, 1), else_=0)).label("due_soon"),
            func.sum(case((Appeal.answered_at >= month_start, 1), else_=0)).label("answered_month"),
            func.avg(Appeal.rating).label("avg_rating"),
            func.avg(case((Appeal.answered_at.is_not(None), _answer_days(dialect)), else_=None)).label("avg_days")]


def _figures(row) -> dict[str, Any]:
    open_ = int(row.open or 0)
    overdue, due_soon = int(row.overdue or 0), int(row.due_soon or 0)
    return {"total": int(row.total or 0), "open": open_, "overdue": overdue, "due_soon": due_soon,
            "on_track": open_ - overdue - due_soon, "answered_this_month": int(row.answered_month or 0),
            "avg_rating": round(float(row.avg_rating), 2) if row.avg_rating is not None else None,
            "avg_days_to_answer": round(float(row.avg_days), 1) if row.avg_days is not None else None}


def dashboard(ctx: Context, actor: Actor) -> dict[str, Any]:
    """Every main figure on one screen, for the appeals the caller may see."""
    scope = scope_conditions(actor)  # 403 for readers without reports
    now = ctx.clock()
    today = now.astimezone(ctx.tz).date()
    month_start = datetime.combine(today.replace(day=1), time.min, ctx.tz)
    week_start = datetime.combine(today - timedelta(days=today.weekday()), time.min, ctx.tz)
    weeks = [week_start - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        dialect = s.get_bind().dialect.name
        measures = _measures(now, month_start, dialect)
        joined = select(*measures).where(*scope)
        totals = _figures(s.execute(joined).one())
        rows = s.execute(select(Appeal.executor_org, *measures).where(*scope)
                         .group_by(Appeal.executor_org))
        names = dict(s.execute(select(Organisation.code, Organisation.name)).all())
        by_org = sorted(({"org": r.executor_org, "name": names.get(r.executor_org, r.executor_org)
                          if r.executor_org else None, **_figures(r)} for r in rows),
                        key=lambda o: (-o["overdue"], -o["open"], o["name"] or ""))
        trend_cols = []
        for n, start in enumerate(weeks):
            end = start + timedelta(weeks=1)
            trend_cols.append(func.sum(case((and_(Appeal.created_at >= start, Appeal.created_at < end), 1),
                                            else_=0)).label(f"c{n}"))
            trend_cols.append(func.sum(case((and_(Appeal.answered_at >= start, Appeal.answered_at < end), 1),
                                            else_=0)).label(f"a{n}"))
        trend_row = s.execute(select(*trend_cols).where(*scope)).one()
    trend = [{"week": start.date(), "created": int(trend_row[2 * n] or 0), "answered": int(trend_row[2 * n + 1] or 0)}
             for n, start in enumerate(weeks)]
    return {"at": now, "totals": totals, "by_org": by_org, "trend": trend, "due_soon_days": DUE_SOON_DAYS}
