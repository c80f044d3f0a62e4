"""Time (issue 5): calendar overrides and timer incidents, for admins."""
from __future__ import annotations

from flask import jsonify, request

from services import calendar_overrides, incidents

from ..auth import ctx, current_actor, login_required
from . import bp, json_body


@bp.get("/calendar/overrides")
@login_required
def calendar_override_list():
    return jsonify({"items": calendar_overrides.list_overrides(ctx(), current_actor())})


@bp.post("/calendar/overrides")
@login_required
def calendar_override_set():
    body = json_body()
    result = calendar_overrides.set_override(ctx(), current_actor(), body.get("date"), body.get("kind", "holiday"),
                                             body.get("note"))
    return jsonify(result), 201


@bp.delete("/calendar/overrides/<day>")
@login_required
def calendar_override_delete(day: str):
    return jsonify(calendar_overrides.delete_override(ctx(), current_actor(), day))


@bp.get("/incidents")
@login_required
def incident_list():
    resolved = request.args.get("resolved") in ("1", "true", "yes")
    return jsonify({"items": incidents.list_incidents(ctx(), current_actor(), include_resolved=resolved)})
