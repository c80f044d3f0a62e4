"""The caller's inbox and task completion."""
from __future__ import annotations

from flask import jsonify, request

from services import actions, inbox

from ..auth import ctx, current_actor, login_required
from ..schemas import TaskComplete, TaskOut, TaskResultOut
from . import bp, json_body


@bp.get("/tasks")
@login_required
def list_tasks():
    state = request.args.get("state", "open")
    items = inbox.list_tasks(ctx(), current_actor(), "done" if state == "done" else "open")
    return jsonify({"items": TaskOut(many=True).dump(items)})


@bp.get("/tasks/<int:task_id>")
@login_required
def get_task(task_id: int):
    return jsonify(TaskOut().dump(inbox.task_detail(ctx(), current_actor(), task_id)))


@bp.post("/tasks/<int:task_id>/complete")
@login_required
def complete(task_id: int):
    body = json_body()
    TaskComplete().load(body)
    return jsonify(TaskResultOut().dump(actions.complete_task(ctx(), current_actor(), task_id, body)))
