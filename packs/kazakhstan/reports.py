"""Kazakhstan reports (issue 6): the region rating of item 62 and the quarterly monitoring report
(items 24, 73–75; Appendix 2 item 4). Both are SQL aggregates over `kz_roadmap_tasks` and
`projects` grouped by region.

Rating (item 62): every roadmap task past its due day counts by the days it is (or was, when done
late) overdue at the rating date: 1–5 days 0.5 point, 6–15 days 1 point, more than 15 days
1.5 points. The rating is «по динамике выполнения задач, основанный на количестве дней
просрочек»: fewer points rank higher; equal points go to the region with more projects.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Date, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from packs.kazakhstan.models import KzRoadmapTask
from packs.kazakhstan.projects import TZ, local_day
from services.context import Actor, Context
from services.errors import NotPermitted, ValidationFailed
from services.models import Project

READERS = ("authorized_body", "chamber", "local_exec", "initiator", "head", "analyst", "auditor", "admin",
           "coordinator")
BANDS = ((15, 1.5), (5, 1.0), (0, 0.5))  # more than N days overdue -> points
REGIONAL_REPORT_DAY = 15      # items 24, 74, 75: by the 15th of the month after the quarter
CONSOLIDATED_REPORT_DAY = 20  # item 74: the National company's summary by the 20th


def _reader(actor: Actor) -> None:
    if not actor.has(*READERS):
        raise NotPermitted("Отчёты доступны органам сопровождения, руководству, аналитикам и аудиторам")


def _days(session: Session, later, earlier):
    """later - earlier in days, for both SQLite and PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


def _with_passport():
    return and_(Project.pack == "kazakhstan", Project.region.is_not(None), Project.stage != "initiative",
                Project.status != "withdrawn")


def region_rating(session: Session, at: date) -> list[dict[str, Any]]:
    """Item 62 at the end of day `at`: per region the overdue tasks, their days, points and the rank."""
    at_ = literal(at, Date())
    end = case((and_(KzRoadmapTask.completed_on.is_not(None), KzRoadmapTask.completed_on <= at_),
                KzRoadmapTask.completed_on), else_=at_)
    days = _days(session, end, KzRoadmapTask.due_date)
    points = case(*[(days > limit, value) for limit, value in BANDS], else_=0.0)
    overdue = session.execute(
        select(Project.region, func.sum(points), func.sum(case((days >= 1, 1), else_=0)),
               func.sum(case((days >= 1, days), else_=0)))
        .join(KzRoadmapTask, KzRoadmapTask.project_id == Project.id)
        .where(Project.pack == "kazakhstan", Project.region.is_not(None), KzRoadmapTask.due_date < at_)
        .group_by(Project.region)).all()
    until = datetime.combine(at + timedelta(days=1), time(), TZ)
    projects = dict(session.execute(
        select(Project.region, func.count(Project.id)).where(_with_passport(), Project.created_at < until)
        .group_by(Project.region)).all())
    rows = {region: {"region": region, "projects": count, "overdue_tasks": 0, "overdue_days": 0, "points": 0.0}
            for region, count in projects.items()}
    for region, pts, count, total_days in overdue:
        row = rows.setdefault(region, {"region": region, "projects": 0, "overdue_tasks": 0, "overdue_days": 0,
                                       "points": 0.0})
        row.update(points=float(pts or 0), overdue_tasks=int(count or 0), overdue_days=int(total_days or 0))
    ranked = sorted(rows.values(), key=lambda r: (r["points"], -r["projects"], r["region"]))
    for rank, row in enumerate(ranked, 1):
        row["rank"] = rank
    return ranked


def rating_report(ctx: Context, actor: Actor, at: date | None) -> dict[str, Any]:
    _reader(actor)
    now = ctx.clock()
    at = at or local_day(now)
    with ctx.db.unit_of_work() as uow:
        return {"title": "Рейтинг регионов по выполнению задач дорожных карт (п. 62)", "at": at,
                "exported_at": now, "rules": {"1-5": 0.5, "6-15": 1.0, "16+": 1.5, "order": "fewer points first; "
                                              "equal points: more projects first"},
                "items": region_rating(uow.session, at)}


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    start = date(year, 3 * quarter - 2, 1)
    nxt = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, nxt - timedelta(days=1)


def monitoring_report(ctx: Context, actor: Actor, year: int | None, quarter: int | None) -> dict[str, Any]:
    """The quarterly monitoring report (Appendix 2 item 4; items 73–75) per region."""
    _reader(actor)
    if not isinstance(year, int) or not 2000 <= year <= 2100 or quarter not in (1, 2, 3, 4):
        raise ValidationFailed("Укажите год и квартал", {"year": ["год"], "quarter": ["1, 2, 3 или 4"]})
    start, end = quarter_bounds(year, quarter)
    following = end + timedelta(days=1)
    now = ctx.clock()
    s_, e_ = literal(start, Date()), literal(end, Date())
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        done_in = and_(KzRoadmapTask.completed_on >= s_, KzRoadmapTask.completed_on <= e_)
        rows = s.execute(
            select(Project.region,
                   func.count(func.distinct(Project.id)),
                   func.sum(case((and_(KzRoadmapTask.due_date >= s_, KzRoadmapTask.due_date <= e_), 1), else_=0)),
                   func.sum(case((done_in, 1), else_=0)),
                   func.sum(case((and_(done_in, KzRoadmapTask.completed_on <= KzRoadmapTask.due_date), 1), else_=0)),
                   func.sum(case((and_(KzRoadmapTask.due_date < e_, or_(KzRoadmapTask.completed_on.is_(None),
                                                                         KzRoadmapTask.completed_on > e_)), 1),
                                 else_=0)),
                   func.sum(case((and_(done_in, KzRoadmapTask.state == "validated"), 1), else_=0)))
            .join(KzRoadmapTask, KzRoadmapTask.project_id == Project.id)
            .where(_with_passport()).group_by(Project.region)).all()
        statuses = s.execute(select(Project.region, Project.status, func.count(Project.id))
                             .where(_with_passport()).group_by(Project.region, Project.status)).all()
        rating = {r["region"]: r for r in region_rating(s, end)}
    items: dict[str, dict[str, Any]] = {}
    for region, projects, due, done, on_time, overdue, validated in rows:
        items[region] = {"region": region, "projects_with_roadmap_tasks": projects, "tasks_due": int(due or 0),
                         "tasks_done": int(done or 0), "tasks_done_on_time": int(on_time or 0),
                         "tasks_overdue_at_end": int(overdue or 0), "tasks_done_and_validated": int(validated or 0)}
    for region, status, count in statuses:
        entry = items.setdefault(region, {"region": region, "projects_with_roadmap_tasks": 0, "tasks_due": 0,
                                          "tasks_done": 0, "tasks_done_on_time": 0, "tasks_overdue_at_end": 0,
                                          "tasks_done_and_validated": 0})
        entry.setdefault("statuses", {})[status] = count
    for region, entry in items.items():
        entry.setdefault("statuses", {})
        entry["projects"] = sum(entry["statuses"].values())
        entry["rating_points"] = rating.get(region, {}).get("points", 0.0)
        entry["rating_rank"] = rating.get(region, {}).get("rank")
    return {"title": f"Ежеквартальный мониторинг сопровождения проектов: {quarter} квартал {year} г.",
            "year": year, "quarter": quarter, "from": start, "to": end, "exported_at": now,
            "due": {"regional_reports": following.replace(day=REGIONAL_REPORT_DAY),      # items 24, 74
                    "external_reports": following.replace(day=REGIONAL_REPORT_DAY),      # item 75
                    "consolidated_report": following.replace(day=CONSOLIDATED_REPORT_DAY)},  # item 74
            "items": sorted(items.values(), key=lambda r: (r["rating_rank"] or 10**6, r["region"]))}
