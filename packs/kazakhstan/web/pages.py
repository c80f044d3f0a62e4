"""Kazakhstan pages (seed 003): projects with their roadmap colours (item 61), one project with its
passport and roadmap, the region rating (item 62)."""
from __future__ import annotations

from flask import render_template, request

from packs.kazakhstan import reports as kz_reports
from packs.kazakhstan import roadmap as kz_roadmap
from packs.kazakhstan.status import KZ_STATUS_RU
from packs.kazakhstan.web import pages_bp as bp
from packs.kazakhstan.web.forms import render_project
from web.api.reports import date_arg
from web.pages.session import actor, ctx, handle_errors, login_required


def _summary(project: dict) -> dict:
    colours = [t["colour"] for t in project.get("roadmap", [])]
    return {c: colours.count(c) for c in ("red", "yellow", "green")} | {"done": colours.count(None)}


@bp.get("/kz/projects")
@login_required
@handle_errors
def kz_projects():
    status, region = request.args.get("status") or None, request.args.get("region") or None
    items = kz_roadmap.list_projects(ctx(), actor(), status, region)
    return render_template("pages/kz/projects.html", items=[(p, _summary(p)) for p in items],
                           statuses=KZ_STATUS_RU, status=status, region=region)


@bp.get("/kz/projects/<int:project_id>")
@login_required
@handle_errors
def kz_project(project_id: int):
    return render_project(project_id)


@bp.get("/kz/region-rating")
@login_required
@handle_errors
def kz_rating():
    report = kz_reports.rating_report(ctx(), actor(), date_arg("at"))
    return render_template("pages/kz/rating.html", report=report)
