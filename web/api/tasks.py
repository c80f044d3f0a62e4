"""The caller's inbox and task completion."""
from __future__ import annotations

from flask import jsonify, request

from services.appeals import actions
from services.work import inbox

from ..auth import ctx, current_actor, login_required
from ..schemas import TaskComplete, TaskOut, TaskResultOut
from ..schemas_lists import TaskListOut
from ..validation import documents, out, query, returns
from . import bp, json_body

COMPLETE = TaskComplete()


@bp.get("/tasks")
@login_required
@returns(TaskListOut)
@query(state="open (default) | done")
def list_tasks():
    """The caller's inbox: assigned tasks and tasks queued for the caller's roles in the organisation."""
    state = request.args.get("state", "open")
    items = inbox.list_tasks(ctx(), current_actor(), "done" if state == "done" else "open")
    return jsonify({"items": out(TaskOut, many=True).dump(items)})


@bp.get("/tasks/<int:task_id>")
@login_required
@returns(TaskOut)
def get_task(task_id: int):
    """A task with its form: fields and allowed actions."""
    return jsonify(out(TaskOut).dump(inbox.task_detail(ctx(), current_actor(), task_id)))


@bp.post("/tasks/<int:task_id>/complete")
@login_required
@returns(TaskResultOut)
@documents(COMPLETE)
def complete(task_id: int):
    """Complete a task with an action and its fields (checked against the step's declared fields)."""
    body = json_body()
    COMPLETE.load(body)
    return jsonify(out(TaskResultOut).dump(actions.complete_task(ctx(), current_actor(), task_id, body)))
