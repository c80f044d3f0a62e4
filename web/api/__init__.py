"""The JSON API under /api/v1."""
from __future__ import annotations

from flask import Blueprint

from ..validation import json_object

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_body() -> dict:
    """The request's JSON object, or 400 with a message (a body with a schema uses web.validation.accepts)."""
    return json_object()



from . import (  # noqa: E402,F401  (routes register on import)
    analyst,
    appeals,
    core,
    notify,
    people,
    projects,
    reports,
    tasks,
    time_admin,
)
