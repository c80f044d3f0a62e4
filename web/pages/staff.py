"""Staff pages: the inbox (queue / mine / done, and the caller's open project tasks), the coordinator's
board and the appeal list."""
from __future__ import annotations

from flask import Response, render_template, request

from services.projects import work as project_work
from services.reports.registry import export_rows
from services.reports.spreadsheets import registry_xlsx
from services.work.boards import coordinator_board
from services.work.incidents import list_incidents
from services.work.worklists import appeal_list, inbox_view

from . import bp
from .session import actor, ctx, forbid_unless, handle_errors, login_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOARD_ROLES = ("moderator", "coordinator", "head", "deputy_director", "manager", "auditor", "admin")


@bp.get("/inbox")
@login_required
@handle_errors
def inbox():
    tab = request.args.get("tab", "queue")
    view = inbox_view(ctx(), actor(), tab if tab in ("queue", "mine", "done") else "queue", request.args.to_dict())
    # seed 000 items 3.3, 4.3; seed 001 «Создавать задачи менеджерам»: protocols, updates, to-dos
    return render_template("pages/staff/inbox.html", project_tasks=project_work.my_tasks(ctx(), actor()), **view)


@bp.get("/board")
@login_required
@handle_errors
def board():
    forbid_unless(actor().has(*BOARD_ROLES))
    view = coordinator_board(ctx(), actor(), include_closed=request.args.get("closed") == "1")
    failing = list_incidents(ctx(), actor()) if actor().has("admin") else None  # issue 5: timers that fail
    return render_template("pages/staff/board.html", closed=request.args.get("closed") == "1", incidents=failing,
                           **view)


@bp.get("/appeals")
@login_required
@handle_errors
def appeals():
    view = appeal_list(ctx(), actor(), request.args.to_dict())
    return render_template("pages/staff/appeals.html", **view)


@bp.get("/appeals/export.xlsx")
@login_required
@handle_errors
def appeals_xlsx():
    filters, rows = export_rows(ctx(), actor(), request.args.to_dict())
    data = registry_xlsx(rows, filters, ctx().clock(), ctx().tz)
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": 'attachment; filename="appeals.xlsx"'})
