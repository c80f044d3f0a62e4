"""Onboarding and projects: registrations, the project passport, history, meetings, tasks, registry."""
from __future__ import annotations

from flask import Response, jsonify, request

from services import onboarding, project_registry, project_work, projects

from ..auth import ctx, current_actor, login_required
from . import bp, json_body

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.post("/registrations")
@login_required
def file_registration():
    return jsonify(onboarding.submit_registration(ctx(), current_actor(), json_body())), 201


@bp.get("/registrations")
@login_required
def list_registrations():
    return jsonify({"items": onboarding.list_registrations(ctx(), current_actor(), request.args.get("status"))})


@bp.get("/registrations/<int:registration_id>")
@login_required
def get_registration(registration_id: int):
    return jsonify(onboarding.get_registration(ctx(), current_actor(), registration_id))


@bp.get("/projects")
@login_required
def list_projects():
    limit = min(request.args.get("limit", 200, type=int) or 200, 500)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    return jsonify({"items": projects.list_projects(ctx(), current_actor(), limit, offset)})


@bp.get("/projects/<int:project_id>")
@login_required
def get_project(project_id: int):
    return jsonify(projects.get_project(ctx(), current_actor(), project_id))


@bp.patch("/projects/<int:project_id>")
@login_required
def update_project(project_id: int):
    return jsonify(projects.update_project(ctx(), current_actor(), project_id, json_body()))


@bp.get("/projects/<int:project_id>/history")
@login_required
def project_history(project_id: int):
    return jsonify({"items": projects.project_history(ctx(), current_actor(), project_id)})


@bp.get("/projects/<int:project_id>/meetings")
@login_required
def list_meetings(project_id: int):
    return jsonify({"items": project_work.list_meetings(ctx(), current_actor(), project_id)})


@bp.post("/projects/<int:project_id>/meetings")
@login_required
def add_meeting(project_id: int):
    return jsonify(project_work.add_meeting(ctx(), current_actor(), project_id, json_body())), 201


@bp.post("/projects/<int:project_id>/meetings/<int:meeting_id>/protocol")
@login_required
def enter_protocol(project_id: int, meeting_id: int):
    return jsonify(project_work.enter_protocol(ctx(), current_actor(), project_id, meeting_id, json_body()))


@bp.get("/projects/<int:project_id>/tasks")
@login_required
def list_project_tasks(project_id: int):
    return jsonify({"items": project_work.list_tasks(ctx(), current_actor(), project_id)})


@bp.post("/projects/<int:project_id>/tasks")
@login_required
def add_project_task(project_id: int):
    return jsonify(project_work.add_task(ctx(), current_actor(), project_id, json_body())), 201


@bp.post("/projects/<int:project_id>/tasks/<int:task_id>/done")
@login_required
def finish_project_task(project_id: int, task_id: int):
    return jsonify(project_work.finish_task(ctx(), current_actor(), project_id, task_id))


@bp.get("/project-tasks")
@login_required
def my_project_tasks():
    return jsonify({"items": project_work.my_tasks(ctx(), current_actor())})


@bp.get("/registry/projects")
@login_required
def project_registry_view():
    """The projects registry with dynamic filters; ?format=xlsx for the whole selection as a file."""
    if request.args.get("format") == "xlsx":
        data = project_registry.export_xlsx(ctx(), current_actor(), request.args.to_dict())
        return Response(data, mimetype=XLSX, headers={"Content-Disposition": 'attachment; filename="projects.xlsx"'})
    limit = min(request.args.get("limit", 100, type=int) or 100, 500)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    return jsonify(project_registry.search(ctx(), current_actor(), request.args.to_dict(), limit, offset))
