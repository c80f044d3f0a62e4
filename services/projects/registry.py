"""The registry of projects with dynamic filters (seed 001: «Функция динамических фильтров позволяет
гибко выбирать проекты по условиям для формирования выборок»; «Система ведет реестр проектов, который
можно выгрузить в Excel или OpenOffice»): SQL filters over the projects the caller may see, and the
same selection as an XLSX file."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, or_, select

from classifiers.project_stages import BY_CODE
from services.context import Actor, Context
from services.filters import clean_filters
from services.models import Project, User
from services.projects.project import STATUS_RU, project_view, staleness, visible_projects
from services.projects.work import stale_condition
from services.reports.spreadsheets import bold, save

FILTERS = ("stage", "status", "sector", "manager", "region", "stale", "q", "from", "to")
MAX_EXPORT = 100_000


def clean(raw: dict[str, str]) -> dict[str, str]:
    """Known, non-blank filters, validated (422 naming the field)."""
    return clean_filters(raw, FILTERS, {
        "stage": (BY_CODE, "неизвестная стадия"),
        "status": (STATUS_RU, "active или passive"),
        "stale": (("0", "1"), "0 или 1")})


def _query(ctx: Context, actor: Actor, filters: dict[str, str]):
    query = visible_projects(actor)
    for name, column in (("stage", Project.stage), ("status", Project.status), ("sector", Project.sector),
                         ("manager", Project.manager_login), ("region", Project.region)):
        if name in filters:
            query = query.where(column == filters[name])
    if "stale" in filters:
        stale = stale_condition(ctx.clock())
        query = query.where(stale if filters["stale"] == "1" else ~stale)
    if "from" in filters:
        query = query.where(Project.created_at >= datetime.combine(date.fromisoformat(filters["from"]), time.min,
                                                                   ctx.tz))
    if "to" in filters:
        end = date.fromisoformat(filters["to"]) + timedelta(days=1)
        query = query.where(Project.created_at < datetime.combine(end, time.min, ctx.tz))
    if "q" in filters:
        like = f"%{filters['q'][:100]}%"
        query = query.where(or_(Project.name.ilike(like), Project.company_name.ilike(like),
                                Project.company_inn.like(like), Project.okved.like(like)))
    return query


def search(ctx: Context, actor: Actor, raw: dict[str, str], limit: int = 200, offset: int = 0) -> dict[str, Any]:
    """One page of the filtered registry, newest first, with the total count."""
    filters = clean(raw)
    query = _query(ctx, actor, filters)
    now = ctx.clock()
    with ctx.db.unit_of_work() as uow:
        total = uow.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = uow.session.scalars(query.order_by(Project.id.desc()).limit(limit).offset(offset))
        items = [project_view(uow.session, p, now) for p in rows]
    return {"filters": filters, "total": total, "items": items, "limit": limit, "offset": offset}


def options(ctx: Context, actor: Actor) -> dict[str, list[tuple[str, str]]]:
    """The values the filter panel offers (from the projects the caller may see)."""
    scope = visible_projects(actor).subquery()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        sectors = sorted(x for x in s.scalars(select(scope.c.sector).distinct()) if x)
        regions = sorted(x for x in s.scalars(select(scope.c.region).distinct()) if x)
        managers = [x for x in s.scalars(select(scope.c.manager_login).distinct()) if x]
        names = dict(s.execute(select(User.login, User.name).where(User.login.in_(managers))).all()) if managers else {}
    return {"stage": [(s.code, s.name) for s in BY_CODE.values()], "status": list(STATUS_RU.items()),
            "sector": [(x, x) for x in sectors], "region": [(x, x) for x in regions],
            "manager": sorted(((m, names.get(m, m)) for m in managers), key=lambda p: p[1])}


COLUMNS = [("id", "№", 7), ("name", "Проект", 40), ("company", "Компания", 32), ("inn", "ИНН", 14),
           ("ogrn", "ОГРН", 16), ("okved", "ОКВЭД", 16), ("sector", "Сфера деятельности", 30),
           ("source", "Источник", 26), ("volume", "Объём инвестиций, млн руб.", 16), ("jobs", "Рабочие места", 10),
           ("region", "Район", 22), ("site", "Площадка", 30), ("stage", "Стадия", 26), ("status", "Статус", 18),
           ("manager", "Менеджер", 28), ("commissioner", "Инвеступолномоченный", 28), ("created", "Создан", 12),
           ("updated", "Информация обновлена", 14), ("due", "Актуализировать до", 14), ("stale", "Устарела", 10)]


def export_xlsx(ctx: Context, actor: Actor, raw: dict[str, str]) -> bytes:
    """The whole filtered selection as XLSX: filters on top, Russian headers, dates as dates, widths."""
    filters = clean(raw)
    now = ctx.clock()
    scope = _query(ctx, actor, filters).subquery()
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        names = dict(s.execute(select(User.login, User.name)).all())
        rows = []
        for p in s.scalars(select(Project).join(scope, scope.c.id == Project.id).order_by(Project.id)
                           .limit(MAX_EXPORT)):
            st = staleness(p, now)
            stage = BY_CODE.get(p.stage or "")
            rows.append({"id": p.id, "name": p.name, "company": p.company_name, "inn": p.company_inn,
                         "ogrn": p.company_ogrn, "okved": p.okved, "sector": p.sector, "source": p.source,
                         "volume": float(p.investment_volume) if p.investment_volume is not None else None,
                         "jobs": p.jobs, "region": p.region, "site": p.site,
                         "stage": stage.name if stage else p.stage, "status": STATUS_RU.get(p.status, p.status),
                         "manager": names.get(p.manager_login, p.manager_login),
                         "commissioner": names.get(p.commissioner_login, p.commissioner_login),
                         "created": p.created_at.astimezone(ctx.tz).date(),
                         "updated": st["updated_at"].astimezone(ctx.tz).date() if st else None,
                         "due": st["due_at"].astimezone(ctx.tz).date() if st else None,
                         "stale": "да" if st and st["stale"] else ""})
    wb = Workbook()
    ws = wb.active
    ws.title = "Реестр проектов"
    ws.append(["Реестр проектов"])
    ws.append(["Дата выгрузки:", now.astimezone(ctx.tz).date()])
    ws.append(["Фильтры:", "; ".join(f"{k}={v}" for k, v in filters.items()) or "нет"])
    ws.append([title for _k, title, _w in COLUMNS])
    for row in rows:
        ws.append([row[key] for key, _t, _w in COLUMNS])
    bold(ws, 4)
    ws.freeze_panes = "A5"
    ws["B2"].number_format = "DD.MM.YYYY"
    for i, (key, _title, width) in enumerate(COLUMNS):
        letter = chr(ord("A") + i)
        ws.column_dimensions[letter].width = width
        if key in ("created", "updated", "due"):
            for cell in ws[letter][4:]:
                cell.number_format = "DD.MM.YYYY"
    return save(wb)
