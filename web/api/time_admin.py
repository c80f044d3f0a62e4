"""Time (issue 5): calendar overrides and timer incidents, for admins."""
from __future__ import annotations

from flask import jsonify, request

from services.work import calendar_overrides, incidents

from .. import schemas_admin as a
from ..auth import ctx, current_actor, login_required
from ..validation import accepts, checked, query, returns
from . import bp


@bp.get("/calendar/overrides")
@login_required
@returns(a.CalendarOverridesOut)
def calendar_override_list():
    """Production-calendar overrides (admin)."""
    return jsonify({"items": calendar_overrides.list_overrides(ctx(), current_actor())})


@bp.post("/calendar/overrides")
@login_required
@returns(a.CalendarOverrideOut, 201)
@accepts(a.CALENDAR_OVERRIDE)
def calendar_override_set(body: dict):
    """Set a day as working, holiday or shortened; recalculates the deadlines of the open appeals it
    falls into and lists them (admin)."""
    result = calendar_overrides.set_override(ctx(), current_actor(), body["date"], body["kind"], body["note"])
    return jsonify(result), 201


@bp.delete("/calendar/overrides/<day>")
@login_required
@returns(a.CalendarOverrideOut)
def calendar_override_delete(day: str):
    """Remove a day's override (`day`: YYYY-MM-DD); recalculates the open appeals' deadlines (admin)."""
    parsed = checked(a.CALENDAR_DAY, {"date": day})["date"]
    return jsonify(calendar_overrides.delete_override(ctx(), current_actor(), parsed))


@bp.get("/incidents")
@login_required
@returns(a.IncidentsOut)
@query(resolved="1: include the resolved ones")
def incident_list():
    """Timers whose handler failed: error, attempts, next attempt (admin)."""
    resolved = request.args.get("resolved") in ("1", "true", "yes")
    return jsonify({"items": incidents.list_incidents(ctx(), current_actor(), include_resolved=resolved)})
