"""Every JSON answer of /api/v1 checked against the OpenAPI document while the suite runs.

Opt-in (`KORIDOR_TEST_CHECK_RESPONSES=1 make test`): each test's requests are recorded through
Flask's `request_finished` signal, and a test whose answers do not match their documented schema
fails at teardown naming the route, the status and the mismatch. It is a hardening run, not part
of the default one (it costs a schema validation per response).
"""
from __future__ import annotations

from typing import Any

from flask import Flask, request
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from web.openapi import openapi_document, openapi_path

PROBLEMS: list[str] = []
_VALIDATORS: dict[int, tuple[dict, Registry]] = {}


def _registry(app: Flask) -> tuple[dict, Registry]:
    """The app's document, registered as `urn:koridor` so that its `#/components/…` references resolve."""
    key = id(app)
    if key not in _VALIDATORS:
        doc = openapi_document(app)
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        _VALIDATORS[key] = (doc, Registry().with_resource("urn:koridor", resource))
    return _VALIDATORS[key]


def _schema_for(doc: dict, path: str, method: str, status: int) -> dict | None:
    operation = doc["paths"].get(path, {}).get(method)
    if operation is None:
        return {"not": {}, "description": "undocumented operation"}
    response = operation["responses"].get(str(status)) or operation["responses"].get("default")
    if response is None:
        return {"not": {}, "description": f"undocumented status {status}"}
    content = (response.get("content") or {}).get("application/json")
    return content.get("schema") if content else None


def check_response(sender: Flask, response: Any, **_: Any) -> None:
    """Record a mismatch between the answer and its documented schema (signal receiver)."""
    if request.url_rule is None or not request.path.startswith("/api/v1/") or response.status_code == 405:
        return
    if response.status_code >= 500 or not response.is_json:
        return
    doc, registry = _registry(sender)
    schema = _schema_for(doc, openapi_path(request.url_rule), request.method.lower(), response.status_code)
    if schema is None:
        return
    try:
        OAS31Validator(_absolute(schema), registry=registry).validate(response.get_json())
    except ValidationError as err:
        where = "/".join(str(p) for p in err.absolute_path)
        PROBLEMS.append(f"{request.method} {request.url_rule.rule} → {response.status_code}: {where}: {err.message}")


def _absolute(schema: Any) -> Any:
    """Local `#/components/…` references made absolute to the registered document."""
    if isinstance(schema, dict):
        return {k: ("urn:koridor" + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _absolute(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_absolute(v) for v in schema]
    return schema
