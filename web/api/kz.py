"""Kazakhstan: initiatives and projects (seed 003 chapters 3–4), roadmaps, МРП, region rating and
the quarterly monitoring report (issue 6)."""
from __future__ import annotations

from flask import Response, jsonify, request

from engine.errors import ValidationFailed
from services import (
    kz_initiatives,
    kz_module1,
    kz_projects,
    kz_prosecutor,
    kz_reports,
    kz_roadmap,
    kz_scoring,
    spreadsheets,
)

from ..auth import ctx, current_actor, login_required
from . import bp, json_body
from .reports import XLSX, date_arg


@bp.post("/kz/initiatives")
@login_required
def kz_create_initiative():
    return jsonify(kz_initiatives.create_initiative(ctx(), current_actor(), json_body())), 201


@bp.get("/kz/projects")
@login_required
def kz_list_projects():
    items = kz_roadmap.list_projects(ctx(), current_actor(), request.args.get("status"), request.args.get("region"))
    return jsonify({"items": items})


@bp.get("/kz/projects/<int:project_id>")
@login_required
def kz_get_project(project_id: int):
    return jsonify(kz_roadmap.get_project(ctx(), current_actor(), project_id))


@bp.post("/kz/projects/<int:project_id>/meetings")
@login_required
def kz_add_meeting(project_id: int):
    return jsonify(kz_module1.add_meeting(ctx(), current_actor(), project_id, json_body())), 201


@bp.put("/kz/projects/<int:project_id>/visit")
@login_required
def kz_record_visit(project_id: int):
    return jsonify(kz_module1.record_visit(ctx(), current_actor(), project_id, json_body()))


@bp.get("/kz/projects/<int:project_id>/messages")
@login_required
def kz_list_messages(project_id: int):
    return jsonify(kz_module1.list_messages(ctx(), current_actor(), project_id))


@bp.post("/kz/projects/<int:project_id>/messages")
@login_required
def kz_post_message(project_id: int):
    return jsonify(kz_module1.post_message(ctx(), current_actor(), project_id, json_body())), 201


@bp.get("/kz/projects/<int:project_id>/prosecutor-cases")
@login_required
def kz_list_prosecutor_cases(project_id: int):
    return jsonify({"items": kz_prosecutor.list_cases(ctx(), current_actor(), project_id)})


@bp.post("/kz/projects/<int:project_id>/prosecutor-cases")
@login_required
def kz_submit_prosecutor_case(project_id: int):
    return jsonify(kz_prosecutor.submit(ctx(), current_actor(), project_id, json_body())), 201


@bp.get("/kz/prosecutor-cases")
@login_required
def kz_prosecutor_queue():
    state = request.args.get("state", "pending") or None
    return jsonify({"items": kz_prosecutor.office_queue(ctx(), current_actor(), state)})


@bp.post("/kz/prosecutor-cases/<int:case_id>/decide")
@login_required
def kz_decide_prosecutor_case(case_id: int):
    return jsonify(kz_prosecutor.decide(ctx(), current_actor(), case_id, json_body()))


@bp.post("/kz/projects/<int:project_id>/roadmap")
@login_required
def kz_add_roadmap_task(project_id: int):
    return jsonify(kz_roadmap.add_task(ctx(), current_actor(), project_id, json_body())), 201


@bp.patch("/kz/roadmap-tasks/<int:task_id>")
@login_required
def kz_update_roadmap_task(task_id: int):
    return jsonify(kz_roadmap.update_task(ctx(), current_actor(), task_id, json_body()))


@bp.delete("/kz/roadmap-tasks/<int:task_id>")
@login_required
def kz_delete_roadmap_task(task_id: int):
    kz_roadmap.delete_task(ctx(), current_actor(), task_id)
    return "", 204


@bp.post("/kz/roadmap-tasks/<int:task_id>/complete")
@login_required
def kz_complete_roadmap_task(task_id: int):
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        raise ValidationFailed("Тело запроса должно быть JSON-объектом")
    return jsonify(kz_roadmap.complete_task(ctx(), current_actor(), task_id, body))


@bp.post("/kz/roadmap-tasks/<int:task_id>/validate")
@login_required
def kz_validate_roadmap_task(task_id: int):
    return jsonify(kz_roadmap.validate_task(ctx(), current_actor(), task_id, json_body()))


@bp.get("/kz/mrp")
@login_required
def kz_list_mrp():
    return jsonify({"items": kz_scoring.list_mrp(ctx())})


@bp.put("/kz/mrp")
@login_required
def kz_set_mrp():
    return jsonify(kz_scoring.set_mrp(ctx(), current_actor(), json_body()))


def _xlsx_or_json(report: dict, to_xlsx, filename: str):
    if request.args.get("format") == "xlsx":
        return Response(to_xlsx(report, kz_projects.TZ), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return jsonify(report)


@bp.get("/kz/region-rating")
@login_required
def kz_region_rating():
    report = kz_reports.rating_report(ctx(), current_actor(), date_arg("at"))
    return _xlsx_or_json(report, spreadsheets.region_rating_xlsx, "region-rating.xlsx")


@bp.get("/kz/reports/monitoring")
@login_required
def kz_monitoring_report():
    report = kz_reports.monitoring_report(ctx(), current_actor(), request.args.get("year", type=int),
                                          request.args.get("quarter", type=int))
    return _xlsx_or_json(report, spreadsheets.kz_monitoring_xlsx, "kz-monitoring.xlsx")
