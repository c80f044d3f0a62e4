"""Work lists for the staff pages: the inbox tabs with filters, the appeal list, form choices."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from services.appeals.appeal import STATUS_RU, is_overdue
from services.appeals.intake import CHANNELS
from services.context import Actor, Context
from services.errors import ValidationFailed
from services.models import EXECUTOR_KINDS, Appeal, Organisation, User
from services.work.inbox import list_tasks

TABS = ("queue", "mine", "done")
FILTERS = ("status", "appeal_type", "category", "org", "overdue")


def clean_filters(raw: dict[str, str]) -> dict[str, str]:
    """Only the known filters, without blanks (the pages pass request.args straight in)."""
    return {k: v.strip() for k in FILTERS if isinstance(v := raw.get(k), str) and v.strip()}


def _overdue(due_at: datetime | None, appeal: Appeal | None, now: datetime) -> bool:
    if appeal is not None and is_overdue(appeal, now):
        return True
    return due_at is not None and due_at < now


def _matches(item: dict[str, Any], filters: dict[str, str]) -> bool:
    appeal = item.get("appeal") or {}
    checks = {"status": appeal.get("status"), "appeal_type": appeal.get("appeal_type"),
              "category": appeal.get("category"), "org": appeal.get("executor_org")}
    for key, value in checks.items():
        if key in filters and filters[key] != value:
            return False
    if "overdue" in filters:
        return item["overdue"] == (filters["overdue"] in ("1", "yes", "true"))
    return True


def _urgency(item: dict[str, Any]) -> tuple:
    due = item.get("due_at") or (item.get("appeal") or {}).get("deadline_at")
    return (not item["overdue"], due is None, due.timestamp() if due else 0, item["id"])


def inbox_view(ctx: Context, actor: Actor, tab: str = "queue", filters: dict[str, str] | None = None
               ) -> dict[str, Any]:
    """One inbox tab (queue: for my roles in my organisation; mine: assigned to me; done: closed by me),
    filtered and sorted overdue first, then by due time; with counts per tab and the filter choices."""
    if tab not in TABS:
        raise ValidationFailed("Неизвестная вкладка", {"tab": [f"одна из: {', '.join(TABS)}"]})
    filters = clean_filters(filters or {})
    now = ctx.clock()
    open_tasks = list_tasks(ctx, actor, state="open", limit=1000)
    done_tasks = list_tasks(ctx, actor, state="done", limit=1000)
    _enrich(ctx, open_tasks + done_tasks, now)
    by_tab = {"queue": [t for t in open_tasks if t["assignee"] is None],
              "mine": [t for t in open_tasks if t["assignee"] == actor.login],
              "done": done_tasks}
    rows = [t for t in by_tab[tab] if _matches(t, filters)]
    items = sorted(rows, key=(lambda t: -t["id"]) if tab == "done" else _urgency)
    return {"tab": tab, "items": items, "filters": filters,
            "counts": {name: len(rows) for name, rows in by_tab.items()},
            "options": _options(ctx, open_tasks + done_tasks)}


def _enrich(ctx: Context, tasks: list[dict[str, Any]], now: datetime) -> None:
    """Add the appeal's category, executor, company and overdue flag to each task (one query)."""
    ids = {t["appeal_id"] for t in tasks if t.get("appeal_id")}
    with ctx.db.reading() as uow:
        appeals = {a.id: a for a in uow.session.scalars(select(Appeal).where(Appeal.id.in_(ids)))} if ids else {}
        for task in tasks:
            appeal = appeals.get(task.get("appeal_id") or 0)
            task["overdue"] = task["state"] == "open" and _overdue(task.get("due_at"), appeal, now)
            if appeal is not None:
                task.setdefault("appeal", {}).update(
                    category=appeal.category_code, executor_org=appeal.executor_org,
                    company=appeal.company_name, deadline_at=appeal.deadline_at,
                    appeal_overdue=is_overdue(appeal, now))


def _options(ctx: Context, tasks: list[dict[str, Any]]) -> dict[str, list[tuple[str, str]]]:
    orgs = sorted({code for t in tasks if (code := (t.get("appeal") or {}).get("executor_org"))})
    names = org_names(ctx, orgs)
    return {"status": list(STATUS_RU.items()),
            "appeal_type": [(code, t.name_ru) for code, t in ctx.classifier.appeal_types.items()],
            "category": [(c.code, c.name) for c in ctx.classifier.categories],
            "org": [(code, names.get(code, code)) for code in orgs]}


def org_names(ctx: Context, codes: list[str]) -> dict[str, str]:
    """Organisation names by code."""
    if not codes:
        return {}
    with ctx.db.reading() as uow:
        rows = uow.session.execute(select(Organisation.code, Organisation.name).where(Organisation.code.in_(codes)))
        return {code: name for code, name in rows}


def appeal_list(ctx: Context, actor: Actor, filters: dict[str, str] | None = None) -> dict[str, Any]:
    """The registry page: the appeals the actor may see, newest first, with SQL filters (services.registry)."""
    from services.reports.registry import search

    result = search(ctx, actor, filters or {}, limit=500)
    with ctx.db.reading() as uow:
        orgs = [(o.code, o.name) for o in uow.session.scalars(
            select(Organisation).where(Organisation.kind.in_(EXECUTOR_KINDS)).order_by(Organisation.name))]
    return {**result, "options": {"status": list(STATUS_RU.items()),
                                  "appeal_type": [(c, t.name_ru) for c, t in ctx.classifier.appeal_types.items()],
                                  "category": [(c.code, c.name) for c in ctx.classifier.categories],
                                  "org": orgs, "channel": [(c, c) for c in CHANNELS]}}


def form_choices(ctx: Context) -> dict[str, Any]:
    """What a task form offers: executing organisations and the managers of each."""
    with ctx.db.reading() as uow:
        orgs = [{"code": o.code, "name": o.name, "kind": o.kind} for o in uow.session.scalars(
            select(Organisation).where(Organisation.kind.in_(EXECUTOR_KINDS)).order_by(Organisation.name))]
        codes = {o["code"] for o in orgs}
        managers = [{"login": u.login, "name": u.name, "org": u.org_code}
                    for u in uow.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
                    if "manager" in u.role_list and u.org_code in codes]
    for org in orgs:
        org["managers"] = [m for m in managers if m["org"] == org["code"]]
    return {"orgs": orgs, "managers": managers}
