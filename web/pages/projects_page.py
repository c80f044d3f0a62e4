"""Projects: the registry with its filter panel and XLSX (issue 6), one project's page with the
passport, stage, meetings, tasks and history (issue 4); the manager's forms on it."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.errors import InvalidTransition, ValidationFailed
from services.projects import project as projects
from services.projects import registry as project_registry
from services.projects import work as project_work
from services.projects.onboarding import list_registrations

from .. import schemas_projects as p
from ..validation import checked
from . import bp
from .session import actor, ctx, handle_errors, login_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _events() -> dict[str, str]:
    return {"project:project_created": _("Проект принят на сопровождение"),
            "project:project_updated": _("Изменены сведения о проекте"),
            "project:info_actualized": _("Информация по проекту актуализирована"),
            "project:actualize_requested": _("Информация устарела: поставлена задача актуализировать"),
            "project:meeting_planned": _("Запланирована встреча"),
            "project:protocol_entered": _("Внесён протокол встречи"),
            "project:task_created": _("Поставлена задача"), "project:task_done": _("Задача выполнена"),
            "registration:submit": _("Подана заявка на регистрацию"),
            "registration:confirm": _("Решение по заявке: подтверждено"),
            "registration:reject": _("Решение по заявке: отклонено"),
            "registration:overdue": _("Срок рассмотрения заявки истёк"),
            "registration:timer": _("Срок рассмотрения заявки истёк")}


@bp.app_template_filter("project_event_ru")
def project_event_ru(event: dict) -> str | None:
    """A project history event in Russian (appeal events use the appeal's names)."""
    names = _events()
    if event["subject"] == "registration" and event["action"] == "submit" and event.get("task"):
        return _("Подано заявление на сопровождение")
    return names.get(f"{event['subject']}:{event['action']}")


@bp.get("/projects")
@login_required
@handle_errors
def projects_list():
    result = project_registry.search(ctx(), actor(), request.args.to_dict(), limit=200)
    registrations = list_registrations(ctx(), actor()) if actor().has("investor", "deputy_director") else []
    return render_template("pages/projects/list.html", options=project_registry.options(ctx(), actor()),
                           registrations=[r for r in registrations if not r["closed_at"]], **result)


@bp.get("/projects/export.xlsx")
@login_required
@handle_errors
def projects_xlsx():
    data = project_registry.export_xlsx(ctx(), actor(), request.args.to_dict())
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": 'attachment; filename="projects.xlsx"'})


@bp.get("/projects/<int:project_id>")
@login_required
@handle_errors
def project_page(project_id: int):
    c, who = ctx(), actor()
    project = projects.get_project(c, who, project_id)
    return render_template("pages/projects/project.html", p=project,
                           history=projects.project_history(c, who, project_id),
                           meetings=project_work.list_meetings(c, who, project_id),
                           tasks=project_work.list_tasks(c, who, project_id),
                           can_manage=who.login == project["manager"]["login"] or who.has("head", "deputy_director",
                                                                                          "admin"),
                           stages=project_registry.options(c, who)["stage"])


def _run(project_id: int, action, *args, schema=None):
    """Run `action`; with `schema` its last argument is the form's body, checked by the API's schema."""
    try:
        if schema is not None:
            args = (*args[:-1], checked(schema, args[-1]))
        action(ctx(), actor(), project_id, *args)
    except (ValidationFailed, InvalidTransition) as err:
        details = "; ".join(sum(getattr(err, "errors", {}).values(), []))
        flash(f"{err.message}{': ' + details if details else ''}", "error")
    else:
        flash(_("Сохранено"))
    return redirect(url_for("pages.project_page", project_id=project_id))


def _filled(*names: str) -> dict[str, str]:
    """The form fields that were filled in (an empty one is absent: its default or «обязательное поле»)."""
    return {n: v for n in names if (v := request.form.get(n, "").strip())}


@bp.post("/projects/<int:project_id>/stage")
@login_required
@handle_errors
def project_stage(project_id: int):
    return _run(project_id, projects.update_project, {"stage": request.form.get("stage", "")}, schema=p.PROJECT_CHANGE)


@bp.post("/projects/<int:project_id>/meetings")
@login_required
@handle_errors
def project_meeting(project_id: int):
    return _run(project_id, project_work.add_meeting, _filled("kind", "title", "agenda", "planned_at"), schema=p.MEETING)


@bp.post("/projects/<int:project_id>/meetings/<int:meeting_id>/protocol")
@login_required
@handle_errors
def project_protocol(project_id: int, meeting_id: int):
    return _run(project_id, project_work.enter_protocol, meeting_id, _filled("kind", "text"), schema=p.PROTOCOL)


@bp.post("/projects/<int:project_id>/tasks")
@login_required
@handle_errors
def project_task(project_id: int):
    body = _filled("title", "assignee", "due_date", "description")
    return _run(project_id, project_work.add_task, body, schema=p.PROJECT_TASK)


@bp.post("/projects/<int:project_id>/tasks/<int:task_id>/done")
@login_required
@handle_errors
def project_task_done(project_id: int, task_id: int):
    return _run(project_id, project_work.finish_task, task_id)
