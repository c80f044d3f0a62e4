"""Accounts, for admins: switching one off ends all its sessions (docs/identity.md)."""
from __future__ import annotations

from flask import jsonify

from services.people import directory

from ..auth import ctx, current_actor, login_required
from ..schemas_admin import UserDisabledOut
from ..validation import returns
from . import bp


@bp.post("/admin/users/<login>/disable")
@login_required
@returns(UserDisabledOut)
def user_disable(login: str):
    """Switch an account off: every token and browser session of the user ends at once (admin)."""
    ended = directory.disable_user(ctx(), current_actor(), login)
    return jsonify({"login": login, "active": False, "sessions_ended": ended})
