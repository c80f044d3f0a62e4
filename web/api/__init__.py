"""The JSON API under /api/v1."""
from __future__ import annotations

from flask import Blueprint, request
from werkzeug.exceptions import BadRequest

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_body() -> dict:
    """The request's JSON object, or 400 with a message."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("Тело запроса должно быть JSON-объектом (Content-Type: application/json)")
    return body


from . import (  # noqa: E402,F401  (routes register on import)
    analyst,
    appeals,
    core,
    knowledge,
    kz,
    notify,
    projects,
    reports,
    tasks,
    time_admin,
)
