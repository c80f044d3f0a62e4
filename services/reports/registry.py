"""The registry of appeals with dynamic filters (seed 001: «Функция динамических фильтров»,
«Система ведет реестр проектов, который можно выгрузить в Excel»): SQL filters over the appeals
the caller may see, and the same selection as an XLSX file."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select

from services.appeals.appeal import STATUS_RU, visible_appeals
from services.appeals.intake import CHANNELS
from services.context import Actor, Context
from services.filters import clean_filters
from services.models import Appeal, Organisation
from services.reports.appeals import no_jit

FILTERS = ("status", "appeal_type", "category", "org", "channel", "overdue", "from", "to", "q")
MAX_EXPORT = 100_000


def clean(ctx: Context, raw: dict[str, str]) -> dict[str, str]:
    """Known, non-blank filters, validated (422 naming the field)."""
    return clean_filters(raw, FILTERS, {
        "status": (STATUS_RU, "неизвестный статус"),
        "appeal_type": (ctx.classifier.appeal_types, "неизвестный тип"),
        "channel": (CHANNELS, "неизвестный канал"),
        "overdue": (("0", "1"), "0 или 1")})


def _query(ctx: Context, actor: Actor, filters: dict[str, str]):
    now = ctx.clock()
    query = visible_appeals(actor)
    if "status" in filters:
        query = query.where(Appeal.status == filters["status"])
    if "appeal_type" in filters:
        query = query.where(Appeal.appeal_type == filters["appeal_type"])
    if "category" in filters:
        query = query.where(Appeal.category_code == filters["category"])
    if "org" in filters:
        query = query.where(Appeal.executor_org == filters["org"])
    if "channel" in filters:
        query = query.where(Appeal.channel == filters["channel"])
    if "overdue" in filters:
        late = or_(and_(Appeal.answered_at.is_not(None), Appeal.answered_at > Appeal.deadline_at),
                   and_(Appeal.answered_at.is_(None), Appeal.closed_at.is_(None), Appeal.deadline_at < now))
        query = query.where(late if filters["overdue"] == "1" else ~late)
    if "from" in filters:
        query = query.where(Appeal.created_at >= datetime.combine(date.fromisoformat(filters["from"]), time.min, ctx.tz))
    if "to" in filters:
        end = date.fromisoformat(filters["to"]) + timedelta(days=1)
        query = query.where(Appeal.created_at < datetime.combine(end, time.min, ctx.tz))
    if "q" in filters:
        like = f"%{filters['q'][:100]}%"
        query = query.where(or_(Appeal.subject.ilike(like), Appeal.company_name.ilike(like),
                                Appeal.company_inn.like(like)))
    return query


def search(ctx: Context, actor: Actor, raw: dict[str, str], limit: int = 200, offset: int = 0) -> dict[str, Any]:
    """One page of the filtered registry, newest first, with the total count."""
    from services.appeals.appeal import appeal_views

    filters = clean(ctx, raw)
    query = _query(ctx, actor, filters)
    now = ctx.clock()
    with ctx.db.reading() as uow:
        total = uow.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = uow.session.scalars(query.order_by(Appeal.id.desc()).limit(limit).offset(offset))
        items = appeal_views(ctx, uow.session, rows, now, actor)
    return {"filters": filters, "total": total, "items": items, "limit": limit, "offset": offset}


def export_rows(ctx: Context, actor: Actor, raw: dict[str, str]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The whole filtered selection as flat rows for a spreadsheet: one query of plain columns (no
    ORM objects, no per-row lookups), names from small dictionaries, at most MAX_EXPORT rows."""
    filters = clean(ctx, raw)
    now = ctx.clock()
    where = _query(ctx, actor, filters).whereclause
    late = or_(and_(Appeal.answered_at.is_not(None), Appeal.answered_at > Appeal.deadline_at),
               and_(Appeal.answered_at.is_(None), Appeal.closed_at.is_(None), Appeal.deadline_at < now))
    columns = (Appeal.number, Appeal.created_at, Appeal.subject, Appeal.company_name, Appeal.company_inn,
               Appeal.appeal_type, Appeal.category_code, Appeal.status, Appeal.executor_org, Appeal.deadline,
               late.label("late"), Appeal.rating, Appeal.rework_count, Appeal.channel)
    query = select(*columns)
    if where is not None:
        query = query.where(where)
    types = {code: t.name_ru for code, t in ctx.classifier.appeal_types.items()}
    tz = ctx.tz
    with ctx.db.reading() as uow:
        no_jit(uow.session)
        executors = dict(uow.session.execute(select(Organisation.code, Organisation.name)
                                             .where(Organisation.kind != "company")).all())
        out = [{"number": number, "created": created.astimezone(tz).date(), "subject": subject, "company": company,
                "inn": inn, "type": types.get(appeal_type, appeal_type), "category": _category_name(ctx, category),
                "status": STATUS_RU.get(status), "executor": executors.get(executor, executor or ""),
                "deadline": deadline, "overdue": "да" if is_late else "", "rating": rating, "rework": rework,
                "channel": channel}
               for (number, created, subject, company, inn, appeal_type, category, status, executor, deadline, is_late,
                    rating, rework, channel)
               in uow.session.execute(query.order_by(Appeal.id).limit(MAX_EXPORT))]
    return filters, out


def _category_name(ctx: Context, code: str) -> str:
    names = ctx.__dict__.setdefault("_category_names", {c.code: c.name for c in ctx.classifier.categories})
    return names.get(code, code)
