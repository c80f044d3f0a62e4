"""In-app notifications, the e-mail outbox (admins) and absences with substitutes."""
from __future__ import annotations

from flask import jsonify, request

from services.notify import notifications, outbox, preferences
from services.work import absences

from .. import schemas_admin as a
from ..auth import ctx, current_actor, login_required
from ..validation import accepts, query, returns
from . import bp


@bp.get("/notifications")
@login_required
@returns(a.NotificationsOut)
@query(unread="1: only the unread", limit=(int, "up to 500"), offset=(int, "skip"))
def list_notifications():
    """The caller's notifications, unread first."""
    limit = min(max(request.args.get("limit", 100, type=int) or 100, 1), 500)
    offset = max(request.args.get("offset", 0, type=int) or 0, 0)
    unread = request.args.get("unread") in ("1", "true", "yes")
    return jsonify(notifications.list_notifications(ctx(), current_actor(), unread, limit, offset))


@bp.post("/notifications/<int:notification_id>/read")
@login_required
@returns(a.NotificationOut)
def read_notification(notification_id: int):
    """Mark one read (someone else's: 404)."""
    return jsonify(notifications.mark_read(ctx(), current_actor(), notification_id))


@bp.post("/notifications/read-all")
@login_required
@returns(a.MarkedOut)
def read_all_notifications():
    """Mark all read."""
    return jsonify(notifications.mark_all_read(ctx(), current_actor()))


@bp.get("/me/notification-settings")
@login_required
@returns(a.NotificationSettingsOut)
def get_notification_settings():
    """The caller's choice of letters (immediate, digest, off) and the digest's local hour."""
    return jsonify(preferences.get_settings(ctx(), current_actor()))


@bp.put("/me/notification-settings")
@login_required
@returns(a.NotificationSettingsOut)
@accepts(a.NOTIFICATION_SETTINGS)
def put_notification_settings(body: dict):
    """Choose how letters come: `email` = immediate | digest | off."""
    return jsonify(preferences.put_settings(ctx(), current_actor(), body))


@bp.get("/outbox")
@login_required
@returns(a.OutboxOut)
@query(state="pending | sending | sent | failed | skipped", limit=(int, "up to 1000"))
def list_outbox():
    """E-mail outbox (admin)."""
    limit = min(max(request.args.get("limit", 200, type=int) or 200, 1), 1000)
    return jsonify({"items": outbox.list_outbox(ctx(), current_actor(), request.args.get("state") or None, limit)})


@bp.post("/outbox/<int:message_id>/retry")
@login_required
@returns(a.OutboxMessageOut)
def retry_outbox(message_id: int):
    """Queue a failed or skipped letter again (admin)."""
    return jsonify(outbox.retry(ctx(), current_actor(), message_id))


@bp.get("/users/<login>/absences")
@login_required
@returns(a.AbsencesOut)
def list_absences(login: str):
    """Absences of the user (`login`: 'me' or, for an admin, any login) and whom the user stands in for."""
    return jsonify(absences.list_absences(ctx(), current_actor(), login))


@bp.post("/users/<login>/absences")
@login_required
@returns(a.AbsenceOut, 201)
@accepts(a.ABSENCE)
def add_absence(body: dict, login: str):
    """Record an absence: starts_on, ends_on, substitute, note."""
    return jsonify(absences.add_absence(ctx(), current_actor(), body, login)), 201


@bp.delete("/users/<login>/absences/<int:absence_id>")
@login_required
@returns(a.AbsenceCancelledOut)
def delete_absence(login: str, absence_id: int):
    """Cancel an absence; delegated open tasks return to the owner."""
    return jsonify(absences.delete_absence(ctx(), current_actor(), absence_id, login))


@bp.post("/users/<login>/absences/<int:absence_id>/handover")
@login_required
@returns(a.HandoverOut)
def handover(login: str, absence_id: int):
    """Hand every open task of the absent user over to the substitute."""
    return jsonify(absences.handover(ctx(), current_actor(), absence_id, login))
