"""Server-rendered pages (Jinja2), Russian by default; session sign-in with CSRF on every form."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pages", __name__, template_folder="../templates", static_folder="../static",
               static_url_path="/static")

from packs.kazakhstan.web import forms as kz_forms  # noqa: E402,F401  (moved: registered per pack in the next commit)
from packs.kazakhstan.web import pages as kz_pages  # noqa: E402,F401
from packs.kazakhstan.web import prosecutor_page as kz_prosecutor_page  # noqa: E402,F401

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
               notify_page,
               projects_page,
               registration_page,
               reports_page,
               session,
               signup_page,
               staff,
               task_page,
)

bp.register_blueprint(kz_pages.templates)
