"""The Kazakhstan pack's web part: its API routes (/api/v1/kz/...) and pages (/kz/...).

The app factory registers `blueprints()` only when this pack is active; `NAV` is the pack's part of
the page menu (it stands in for the shared «Проекты» entry)."""
from __future__ import annotations

from flask import Blueprint

api_bp = Blueprint("kz_api", __name__, url_prefix="/api/v1")
pages_bp = Blueprint("kz_pages", __name__)
NAV = "pages/kz/_nav.html"


def blueprints() -> list[Blueprint]:
    from . import api, forms, pages, prosecutor_page  # noqa: F401  (routes register on import)

    return [api_bp, pages_bp]
