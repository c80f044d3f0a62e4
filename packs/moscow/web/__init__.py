"""The Moscow pack's web part: the knowledge-base search (/api/v1/knowledge-base), registered by the
app factory only when this pack is active."""
from __future__ import annotations

from flask import Blueprint

api_bp = Blueprint("moscow_api", __name__, url_prefix="/api/v1")


def blueprints() -> list[Blueprint]:
    from . import api  # noqa: F401  (routes register on import)

    return [api_bp]
