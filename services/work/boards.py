"""The coordinator's board and the appeal's case file for the pages: where an appeal is, since when,
which organisations it passed through, and everything the appeal page shows in one call."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.models import HistoryEvent
from services.appeals.appeal import appeal_history, get_appeal, list_appeals, list_comments
from services.appeals.attachments import list_attachments
from services.context import Actor, Context
from services.errors import KoridorError
from services.models import User
from services.projects.onboarding import get_registration
from services.work.inbox import list_tasks, task_detail
from services.work.worklists import form_choices, org_names

HOP_ACTIONS = ("accept", "redirect")


def _hop(event: dict[str, Any]) -> dict[str, Any] | None:
    """A history event that moved the appeal to an executing organisation, as a hop of the trail."""
    data = event.get("data") or {}
    if event["action"] == "redirect" and data.get("org_to"):
        return {"kind": "redirect", "org_from": data.get("org_from"), "org_to": data["org_to"],
                "at": event["at"], "actor": event["actor"], "reason": data.get("reason")}
    if event["action"] == "accept" and data.get("executor_org"):
        return {"kind": "accept", "org_from": None, "org_to": data["executor_org"],
                "at": event["at"], "actor": event["actor"], "reason": None}
    return None


def redirect_trail(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The organisations an appeal passed through, oldest first (acceptance, then every redirect)."""
    return [hop for event in history if (hop := _hop(event))]


def _duration(since: datetime | None, now: datetime) -> dict[str, int] | None:
    if since is None:
        return None
    seconds = max(0, int((now - since).total_seconds()))
    return {"days": seconds // 86400, "hours": seconds % 86400 // 3600}


def coordinator_board(ctx: Context, actor: Actor, include_closed: bool = False) -> dict[str, Any]:
    """The appeals the actor coordinates that sit in another organisation: where each one is, its status,
    since when it is there (the last acceptance or redirect), its deadline; overdue first."""
    now = ctx.clock()
    rows = [a for a in list_appeals(ctx, actor, as_role="coordinator", limit=1000)
            if a["executor_org"] and a["executor_org"] != actor.org_code and (include_closed or not a["closed_at"])]
    ids = [a["id"] for a in rows]
    last_hop: dict[int, dict[str, Any]] = {}
    hops: dict[int, int] = {}
    if ids:
        with ctx.db.reading() as uow:
            events = uow.session.scalars(select(HistoryEvent).where(
                HistoryEvent.subject_type == "appeal", HistoryEvent.subject_id.in_(ids),
                HistoryEvent.action.in_(HOP_ACTIONS)).order_by(HistoryEvent.id))
            for e in events:
                hop = _hop({"action": e.action, "data": e.data, "at": e.at, "actor": e.actor})
                if hop:
                    last_hop[e.subject_id] = hop
                    hops[e.subject_id] = hops.get(e.subject_id, 0) + 1
    for appeal in rows:
        hop = last_hop.get(appeal["id"])
        appeal["since"] = hop["at"] if hop else None
        appeal["since_by"] = hop["actor"] if hop else None
        appeal["there_for"] = _duration(appeal["since"], now)
        appeal["redirects"] = max(0, hops.get(appeal["id"], 0) - 1)
    rows.sort(key=lambda a: (not a["overdue"], a["deadline_at"], a["id"]))
    return {"items": rows, "now": now}


def _names(ctx: Context, logins: set[str]) -> dict[str, str]:
    if not logins:
        return {}
    with ctx.db.reading() as uow:
        rows = uow.session.execute(select(User.login, User.name).where(User.login.in_(logins)))
        return {login: name for login, name in rows}


def open_tasks_on(ctx: Context, actor: Actor, appeal_id: int) -> list[dict[str, Any]]:
    """The actor's open tasks on this appeal, each with its form."""
    details = []
    for task in list_tasks(ctx, actor, state="open"):
        if task["appeal_id"] != appeal_id:
            continue
        try:
            details.append(task_detail(ctx, actor, task["id"]))
        except KoridorError:  # assigned to the actor in a role they no longer hold
            continue
    return details


def appeal_case(ctx: Context, actor: Actor, appeal_id: int) -> dict[str, Any]:
    """Everything the appeal page shows, if the actor may see the appeal (404 otherwise): the appeal, its
    history, the dialogue, files, the organisations it passed through and the actor's open tasks on it."""
    appeal = get_appeal(ctx, actor, appeal_id)
    history = appeal_history(ctx, actor, appeal_id)
    comments = list_comments(ctx, actor, appeal_id)
    files = list_attachments(ctx, actor, appeal_id)
    trail = redirect_trail(history)
    codes = {c for hop in trail for c in (hop["org_from"], hop["org_to"]) if c}
    codes |= {c for e in history for k in ("executor_org", "org", "org_from", "org_to")
              if isinstance(c := (e["data"] or {}).get(k), str)}
    logins = {e["actor"] for e in history} | {c["author"] for c in comments} | {f["uploaded_by"] for f in files}
    logins |= {m for e in history for key in ("manager", "from", "to") if isinstance(m := (e["data"] or {}).get(key), str)}
    logins |= {e["on_behalf_of"] for e in history if e.get("on_behalf_of")}
    tasks = open_tasks_on(ctx, actor, appeal_id)
    return {"appeal": appeal, "history": history, "comments": comments, "files": files, "trail": trail,
            "orgs": org_names(ctx, sorted(codes)), "people": _names(ctx, logins), "tasks": tasks,
            "choices": form_choices(ctx) if _needs_choices(tasks) else None}


def _needs_choices(tasks: list[dict[str, Any]]) -> bool:
    return any(f["type"] in ("org", "user") for t in tasks for a in t["form"]["actions"] for f in a["fields"])


def task_case(ctx: Context, actor: Actor, task_id: int) -> dict[str, Any]:
    """A task with its form, the appeal it belongs to and the choices its fields offer (404 if not the
    actor's task)."""
    task = task_detail(ctx, actor, task_id)
    appeal = get_appeal(ctx, actor, task["appeal_id"]) if task.get("appeal_id") else None
    registration = get_registration(ctx, actor, task["registration_id"]) if task.get("registration_id") else None
    return {"task": task, "appeal": appeal, "registration": registration,
            "choices": form_choices(ctx) if _needs_choices([task]) else None}
