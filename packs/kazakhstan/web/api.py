"""Kazakhstan: initiatives and projects (seed 003 chapters 3–4), roadmaps, МРП, region rating and
the quarterly monitoring report (issue 6)."""
from __future__ import annotations

from flask import Response, jsonify, request

from packs.kazakhstan import initiatives as kz_initiatives
from packs.kazakhstan import module1 as kz_module1
from packs.kazakhstan import projects as kz_projects
from packs.kazakhstan import prosecutor as kz_prosecutor
from packs.kazakhstan import reports as kz_reports
from packs.kazakhstan import roadmap as kz_roadmap
from packs.kazakhstan import scoring as kz_scoring
from packs.kazakhstan import spreadsheets as kz_sheets
from packs.kazakhstan.web import api_bp as bp
from packs.kazakhstan.web import schemas as k
from web.api.reports import XLSX, date_arg
from web.auth import ctx, current_actor, login_required
from web.validation import accepts, query, returns


@bp.post("/kz/initiatives")
@login_required
@returns(k.KzProjectOut, 201)
@accepts(k.INITIATIVE)
def kz_create_initiative(body: dict):
    """An initiator hands an initiative (company card, KYC, meeting cards, visit) to a local executive body."""
    return jsonify(kz_initiatives.create_initiative(ctx(), current_actor(), body)), 201


@bp.get("/kz/projects")
@login_required
@returns(k.KzProjectListOut)
@query(status="status code", region="region")
def kz_list_projects():
    """Kazakhstan projects (agency roles: all; investor: own)."""
    items = kz_roadmap.list_projects(ctx(), current_actor(), request.args.get("status"), request.args.get("region"))
    return jsonify({"items": items})


@bp.get("/kz/projects/<int:project_id>")
@login_required
@returns(k.KzProjectOut)
def kz_get_project(project_id: int):
    """Passport (item 46), pool and green corridor, roadmap with item 61 colours."""
    return jsonify(kz_roadmap.get_project(ctx(), current_actor(), project_id))


@bp.post("/kz/projects/<int:project_id>/meetings")
@login_required
@returns(k.KzMeetingsOut, 201)
@accepts(k.MEETING)
def kz_add_meeting(body: dict, project_id: int):
    """A further meeting card while the project is an initiative (item 42)."""
    return jsonify(kz_module1.add_meeting(ctx(), current_actor(), project_id, body)), 201


@bp.put("/kz/projects/<int:project_id>/visit")
@login_required
@returns(k.KzVisitOut)
@accepts(k.VISIT)
def kz_record_visit(body: dict, project_id: int):
    """The visit's results filled in by hand (item 42)."""
    return jsonify(kz_module1.record_visit(ctx(), current_actor(), project_id, body))


@bp.get("/kz/projects/<int:project_id>/messages")
@login_required
@returns(k.KzMessagesOut)
def kz_list_messages(project_id: int):
    """The project's chat (item 42) and whether the caller may write in it."""
    return jsonify(kz_module1.list_messages(ctx(), current_actor(), project_id))


@bp.post("/kz/projects/<int:project_id>/messages")
@login_required
@returns(k.KzMessageOut, 201)
@accepts(k.MESSAGE)
def kz_post_message(body: dict, project_id: int):
    """A message in the project's chat (item 42)."""
    return jsonify(kz_module1.post_message(ctx(), current_actor(), project_id, body)), 201


@bp.get("/kz/projects/<int:project_id>/prosecutor-cases")
@login_required
@returns(k.KzProsecutorCasesOut)
def kz_list_prosecutor_cases(project_id: int):
    """Measures against the project's investor sent to the prosecutor's office (items 57–60)."""
    return jsonify({"items": kz_prosecutor.list_cases(ctx(), current_actor(), project_id)})


@bp.post("/kz/projects/<int:project_id>/prosecutor-cases")
@login_required
@returns(k.KzProsecutorCaseOut, 201)
@accepts(k.PROSECUTOR_CASE)
def kz_submit_prosecutor_case(body: dict, project_id: int):
    """A state body sends a measure for the prosecutor's approval (items 57–59)."""
    return jsonify(kz_prosecutor.submit(ctx(), current_actor(), project_id, body)), 201


@bp.get("/kz/prosecutor-cases")
@login_required
@returns(k.KzProsecutorCasesOut)
@query(state="pending (default) | approved | refused; empty: all")
def kz_prosecutor_queue():
    """A prosecutor's office's cases, oldest first."""
    state = request.args.get("state", "pending") or None
    return jsonify({"items": kz_prosecutor.office_queue(ctx(), current_actor(), state)})


@bp.post("/kz/prosecutor-cases/<int:case_id>/decide")
@login_required
@returns(k.KzProsecutorCaseOut)
@accepts(k.PROSECUTOR_DECISION)
def kz_decide_prosecutor_case(body: dict, case_id: int):
    """The named office approves the measure or refuses it with a reason (item 58)."""
    return jsonify(kz_prosecutor.decide(ctx(), current_actor(), case_id, body))


@bp.post("/kz/projects/<int:project_id>/roadmap")
@login_required
@returns(k.KzRoadmapTaskOut, 201)
@accepts(k.ROADMAP_TASK)
def kz_add_roadmap_task(body: dict, project_id: int):
    """Add a roadmap task (local executive body, initiator; while the roadmap is formed or returned)."""
    return jsonify(kz_roadmap.add_task(ctx(), current_actor(), project_id, body)), 201


@bp.patch("/kz/roadmap-tasks/<int:task_id>")
@login_required
@returns(k.KzRoadmapTaskOut)
@accepts(k.ROADMAP_TASK_CHANGE)
def kz_update_roadmap_task(body: dict, task_id: int):
    """Change a roadmap task: any of its fields."""
    return jsonify(kz_roadmap.update_task(ctx(), current_actor(), task_id, body))


@bp.delete("/kz/roadmap-tasks/<int:task_id>")
@login_required
@returns(status=204)
def kz_delete_roadmap_task(task_id: int):
    """Remove a roadmap task."""
    kz_roadmap.delete_task(ctx(), current_actor(), task_id)
    return "", 204


@bp.post("/kz/roadmap-tasks/<int:task_id>/complete")
@login_required
@returns(k.KzRoadmapTaskOut)
@accepts(k.ROADMAP_DONE, optional=True)
def kz_complete_roadmap_task(body: dict, task_id: int):
    """Mark a task done (local executive body, item 64); validation due in 5 working days."""
    return jsonify(kz_roadmap.complete_task(ctx(), current_actor(), task_id, body))


@bp.post("/kz/roadmap-tasks/<int:task_id>/validate")
@login_required
@returns(k.KzRoadmapTaskOut)
@accepts(k.ROADMAP_VALIDATION)
def kz_validate_roadmap_task(body: dict, task_id: int):
    """The Chamber accepts a done task or reopens it with a comment (item 65)."""
    return jsonify(kz_roadmap.validate_task(ctx(), current_actor(), task_id, body))


@bp.get("/kz/mrp")
@login_required
@returns(k.MrpListOut)
def kz_list_mrp():
    """МРП by year."""
    return jsonify({"items": kz_scoring.list_mrp(ctx())})


@bp.put("/kz/mrp")
@login_required
@returns(k.MrpOut)
@accepts(k.MRP)
def kz_set_mrp(body: dict):
    """Add or correct a year's МРП (admin)."""
    return jsonify(kz_scoring.set_mrp(ctx(), current_actor(), body))


def _xlsx_or_json(report: dict, to_xlsx, filename: str):
    if request.args.get("format") == "xlsx":
        return Response(to_xlsx(report, kz_projects.TZ), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return jsonify(report)


@bp.get("/kz/region-rating")
@login_required
@returns(k.RegionRatingOut, also=XLSX)
@query(at="YYYY-MM-DD, default today", format="xlsx for the file")
def kz_region_rating():
    """Region rating (item 62): points for overdue roadmap tasks, fewer first, ties to more projects."""
    report = kz_reports.rating_report(ctx(), current_actor(), date_arg("at"))
    return _xlsx_or_json(report, kz_sheets.region_rating_xlsx, "region-rating.xlsx")


@bp.get("/kz/reports/monitoring")
@login_required
@returns(k.MonitoringReportOut, also=XLSX)
@query(year=(int, "year"), quarter=(int, "1–4"), format="xlsx for the file")
def kz_monitoring_report():
    """Quarterly monitoring report per region with the reporting days (items 24, 74, 75)."""
    report = kz_reports.monitoring_report(ctx(), current_actor(), request.args.get("year", type=int),
                                          request.args.get("quarter", type=int))
    return _xlsx_or_json(report, kz_sheets.monitoring_xlsx, "kz-monitoring.xlsx")
