"""In-app notifications, the e-mail outbox (admins) and absences with substitutes."""
from __future__ import annotations

from flask import jsonify, request

from services import absences, notifications, outbox

from ..auth import ctx, current_actor, login_required
from . import bp, json_body


@bp.get("/notifications")
@login_required
def list_notifications():
    limit = min(max(request.args.get("limit", 100, type=int) or 100, 1), 500)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    unread = request.args.get("unread") in ("1", "true", "yes")
    return jsonify(notifications.list_notifications(ctx(), current_actor(), unread, limit, offset))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read_notification(notification_id: int):
    return jsonify(notifications.mark_read(ctx(), current_actor(), notification_id))


@bp.post("/notifications/read-all")
@login_required
def read_all_notifications():
    return jsonify(notifications.mark_all_read(ctx(), current_actor()))


@bp.get("/outbox")
@login_required
def list_outbox():
    limit = min(max(request.args.get("limit", 200, type=int) or 200, 1), 1000)
    return jsonify({"items": outbox.list_outbox(ctx(), current_actor(), request.args.get("state") or None, limit)})


@bp.post("/outbox/<int:message_id>/retry")
@login_required
def retry_outbox(message_id: int):
    return jsonify(outbox.retry(ctx(), current_actor(), message_id))


@bp.get("/users/<login>/absences")
@login_required
def list_absences(login: str):
    return jsonify(absences.list_absences(ctx(), current_actor(), login))


@bp.post("/users/<login>/absences")
@login_required
def add_absence(login: str):
    return jsonify(absences.add_absence(ctx(), current_actor(), json_body(), login)), 201


@bp.delete("/users/<login>/absences/<int:absence_id>")
@login_required
def delete_absence(login: str, absence_id: int):
    return jsonify(absences.delete_absence(ctx(), current_actor(), absence_id, login))


@bp.post("/users/<login>/absences/<int:absence_id>/handover")
@login_required
def handover(login: str, absence_id: int):
    return jsonify(absences.handover(ctx(), current_actor(), absence_id, login))
