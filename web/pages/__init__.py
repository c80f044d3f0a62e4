"""Server-rendered pages (Jinja2), Russian by default; session sign-in with CSRF on every form."""
from __future__ import annotations

from flask import Blueprint, current_app

bp = Blueprint("pages", __name__, template_folder="../templates", static_folder="../static",
               static_url_path="/static")


from . import (  # noqa: E402,F401  (routes register on import)
               analyst_page,
               appeal_page,
               audit_page,
               cabinet,
               dashboard_page,
               diagram,
               identity_page,
               intake_page,
               labels,
               modeler_page,
               notify_page,
               projects_page,
               registration_page,
               reports_page,
               session,
               signup_page,
               staff,
               task_page,
)


@bp.app_context_processor
def _pack_globals() -> dict:
    """The active pack for the templates: its code, its processes, its own menu entries."""
    pack = current_app.extensions["koridor"].pack
    return {"koridor_pack": pack.code, "pack_processes": pack.process_ids,
            "pack_nav": current_app.config.get("KORIDOR_PACK_NAV")}
