"""The task page: the appeal in short and one form per allowed action; POST completes the task."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.appeals.actions import complete_task
from services.errors import ValidationFailed
from services.subjects import kind as subject_kind
from services.work.boards import task_case

from . import bp
from .labels import status_ru
from .session import actor, ctx, handle_errors, login_required

NUMERIC = ("rating", "int")


def form_body(task: dict, form) -> dict:
    """The posted action and only its own fields (numbers as numbers), as complete_task expects."""
    action = form.get("action", "")
    body: dict = {"action": action}
    spec = next((a for a in task["form"]["actions"] if a["name"] == action), None)
    for field in (spec or {}).get("fields", []):
        value = form.get(field["name"])
        if value is None or not value.strip():
            continue
        value = value.strip()
        if field["type"] in NUMERIC and value.lstrip("-").isdigit():
            body[field["name"]] = int(value)
        else:
            body[field["name"]] = value
    return body


@bp.get("/tasks/<int:task_id>")
@login_required
@handle_errors
def task(task_id: int):
    return render_template("pages/staff/task.html", **task_case(ctx(), actor(), task_id))


@bp.post("/tasks/<int:task_id>")
@login_required
@handle_errors
def complete(task_id: int):
    case = task_case(ctx(), actor(), task_id)
    body = form_body(case["task"], request.form)
    try:
        result = complete_task(ctx(), actor(), task_id, body)
    except ValidationFailed as err:
        return render_template("pages/staff/task.html", failed=body["action"], errors=err.errors,
                               error_message=err.message, values=body, **case), 422
    label = next(a["label"] for a in case["task"]["form"]["actions"] if a["name"] == body["action"])
    flash(_("«%(action)s» — выполнено. Статус: %(status)s", action=label, status=status_ru(result["status_to"])))
    appeal_id = case["task"].get("appeal_id")
    if appeal_id:
        return redirect(url_for("pages.appeal", appeal_id=appeal_id))
    subject = subject_kind(ctx(), case["task"]["subject_type"])
    if subject is not None and subject.page:  # the pack's own page of the subject (a Kazakhstan project)
        return redirect(url_for(subject.page, **{subject.id_field: case["task"][subject.id_field]}))
    return redirect(url_for("pages.cabinet") if actor().has("investor") else url_for("pages.inbox"))
