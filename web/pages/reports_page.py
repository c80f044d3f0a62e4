"""Report pages (seed 001 «Отчеты»): filters in a side panel, both reports, XLSX downloads."""
from __future__ import annotations

from flask import render_template, request

from services.appeals.intake import CHANNELS
from services.reports import appeals as reports
from services.work.worklists import form_choices

from ..api.reports import date_arg
from . import bp
from .session import actor, ctx, handle_errors, login_required

FILTERS = ("org", "appeal_type", "channel", "status")


@bp.get("/reports")
@login_required
@handle_errors
def reports_page():
    filters = {k: v for k in FILTERS if (v := request.args.get(k))}
    start, end = date_arg("from"), date_arg("to")
    by_type = reports.appeals_by_type(ctx(), actor(), start, end, filters)
    by_executor = reports.appeals_by_executor(ctx(), actor(), start, end, None, filters)
    query = {**filters, "from": by_type["from"].isoformat(), "to": by_type["to"].isoformat()}
    options = {"org": [(o["code"], o["name"]) for o in form_choices(ctx())["orgs"]],
               "appeal_type": [(c, t.name_ru) for c, t in ctx().classifier.appeal_types.items()],
               "channel": list(CHANNELS)}
    return render_template("pages/reports.html", by_type=by_type, by_executor=by_executor, filters=filters,
                           query=query, options=options)
