"""Onboarding and projects: registrations, the project passport, history, meetings, tasks, registry."""
from __future__ import annotations

from flask import Response, jsonify, request

from services.projects import onboarding
from services.projects import project as projects
from services.projects import registry as project_registry
from services.projects import work as project_work

from .. import schemas_projects as p
from ..auth import ctx, current_actor, login_required
from ..validation import accepts, query, returns
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.post("/registrations")
@login_required
@returns(p.RegistrationOut, 201)
@accepts(p.REGISTRATION)
def file_registration(body: dict):
    """File a registration request: the company's legal data and a contact (investor, operator)."""
    return jsonify(onboarding.submit_registration(ctx(), current_actor(), body)), 201


@bp.get("/registrations")
@login_required
@returns(p.RegistrationListOut)
@query(status="status code")
def list_registrations():
    """Registration requests the caller may see."""
    return jsonify({"items": onboarding.list_registrations(ctx(), current_actor(), request.args.get("status"))})


@bp.get("/registrations/<int:registration_id>")
@login_required
@returns(p.RegistrationOut)
def get_registration(registration_id: int):
    """One registration request."""
    return jsonify(onboarding.get_registration(ctx(), current_actor(), registration_id))


@bp.get("/projects")
@login_required
@returns(p.ProjectListOut)
@query(limit=(int, "up to 500"), offset=(int, "skip"))
def list_projects():
    """Projects the caller may see."""
    limit = min(request.args.get("limit", 200, type=int) or 200, 500)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    return jsonify({"items": projects.list_projects(ctx(), current_actor(), limit, offset)})


@bp.get("/projects/<int:project_id>")
@login_required
@returns(p.ProjectOut)
def get_project(project_id: int):
    """The project's passport, people, stage and staleness."""
    return jsonify(projects.get_project(ctx(), current_actor(), project_id))


@bp.patch("/projects/<int:project_id>")
@login_required
@returns(p.ProjectOut)
@accepts(p.PROJECT_CHANGE)
def update_project(body: dict, project_id: int):
    """Change the passport, the stage, the commissioner or the manager (the history keeps old → new)."""
    return jsonify(projects.update_project(ctx(), current_actor(), project_id, body))


@bp.get("/projects/<int:project_id>/history")
@login_required
@returns(p.ProjectHistoryOut)
def project_history(project_id: int):
    """Every action on the project and its appeals, with who did it."""
    return jsonify({"items": projects.project_history(ctx(), current_actor(), project_id)})


@bp.get("/projects/<int:project_id>/meetings")
@login_required
@returns(p.MeetingListOut)
def list_meetings(project_id: int):
    """The project's meetings with their protocols."""
    return jsonify({"items": project_work.list_meetings(ctx(), current_actor(), project_id)})


@bp.post("/projects/<int:project_id>/meetings")
@login_required
@returns(p.MeetingOut, 201)
@accepts(p.MEETING)
def add_meeting(body: dict, project_id: int):
    """Plan a meeting (seed 000 item 3.1); its protocol is due the next working day."""
    return jsonify(project_work.add_meeting(ctx(), current_actor(), project_id, body)), 201


@bp.post("/projects/<int:project_id>/meetings/<int:meeting_id>/protocol")
@login_required
@returns(p.MeetingOut)
@accepts(p.PROTOCOL)
def enter_protocol(body: dict, project_id: int, meeting_id: int):
    """Enter the protocol or resume of a held meeting (seed 000 items 3.1–3.3)."""
    return jsonify(project_work.enter_protocol(ctx(), current_actor(), project_id, meeting_id, body))


@bp.get("/projects/<int:project_id>/tasks")
@login_required
@returns(p.ProjectTaskListOut)
def list_project_tasks(project_id: int):
    """The project's tasks: protocols, updates, to-dos."""
    return jsonify({"items": project_work.list_tasks(ctx(), current_actor(), project_id)})


@bp.post("/projects/<int:project_id>/tasks")
@login_required
@returns(p.ProjectTaskOut, 201)
@accepts(p.PROJECT_TASK)
def add_project_task(body: dict, project_id: int):
    """A to-do between the investor and the manager: title, assignee, due date."""
    return jsonify(project_work.add_task(ctx(), current_actor(), project_id, body)), 201


@bp.post("/projects/<int:project_id>/tasks/<int:task_id>/done")
@login_required
@returns(p.ProjectTaskOut)
def finish_project_task(project_id: int, task_id: int):
    """Mark a to-do done (its assignee, author or the project's manager)."""
    return jsonify(project_work.finish_task(ctx(), current_actor(), project_id, task_id))


@bp.get("/project-tasks")
@login_required
@returns(p.ProjectTaskListOut)
def my_project_tasks():
    """The caller's open project tasks, the earliest due first."""
    return jsonify({"items": project_work.my_tasks(ctx(), current_actor())})


@bp.get("/registry/projects")
@login_required
@returns(p.ProjectRegistryOut, also=XLSX)
@query(stage="stage code", status="active | passive", sector="sector", manager="manager login",
       region="municipal district", stale="1 | 0", q="project, company, ИНН, ОКВЭД", **{"from": "YYYY-MM-DD"},
       to="YYYY-MM-DD", format="xlsx for the file", limit=(int, "up to 500"), offset=(int, "skip"))
def project_registry_view():
    """The projects registry with dynamic filters; ?format=xlsx for the whole selection as a file."""
    if request.args.get("format") == "xlsx":
        data = project_registry.export_xlsx(ctx(), current_actor(), request.args.to_dict())
        return Response(data, mimetype=XLSX, headers={"Content-Disposition": 'attachment; filename="projects.xlsx"'})
    limit = min(request.args.get("limit", 100, type=int) or 100, 500)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    return jsonify(project_registry.search(ctx(), current_actor(), request.args.to_dict(), limit, offset))
