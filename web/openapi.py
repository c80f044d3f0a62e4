"""The OpenAPI 3.1 document of /api/v1, generated from the app's URL map and the schemas each view
declares (web/validation.py `accepts`, `documents`, `uploads`, `returns`, `query`), with apispec's
marshmallow plugin. Nothing is listed by hand: a route the app serves is in the document, and
only those."""
from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from apispec.ext.marshmallow.common import resolve_schema_instance
from flask import Flask
from werkzeug.routing import IntegerConverter, Rule

from .validation import Body

PREFIX = "/api/v1"
ERRORS = {"400": "Malformed request (the body is not a JSON object, a file is missing)",
          "401": "No or invalid token (for /auth/token: wrong login or password)", "403": "The caller's roles do not allow it",
          "404": "Unknown, or not visible to the caller", "409": "Already completed, or changed meanwhile",
          "413": "The body or a file is too large", "422": "Validation failed: a message per field"}
ERROR_SCHEMA = {"type": "object", "required": ["code", "status", "message", "errors"], "properties": {
    "code": {"type": "string"}, "status": {"type": "integer"}, "message": {"type": "string"},
    "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}
_ARG = re.compile(r"<(?:[a-zA-Z_][a-zA-Z0-9_]*(?:\([^)]*\))?:)?([a-zA-Z_][a-zA-Z0-9_]*)>")


class _Converter(OpenAPIConverter):
    """Request bodies refuse unknown fields (`additionalProperties: false`); a response may carry
    more than its schema lists ("plus anything else useful", SPEC), so its schema stays open."""

    def schema2jsonschema(self, schema: Any) -> dict[str, Any]:
        out = super().schema2jsonschema(schema)
        if not isinstance(resolve_schema_instance(schema), Body):
            out.pop("additionalProperties", None)
        return out

    def field2property(self, field: Any) -> dict[str, Any]:
        out = super().field2property(field)
        for key in ("minimum", "maximum"):  # a Decimal field's bounds come as Decimal
            if isinstance(out.get(key), Decimal):
                out[key] = int(out[key]) if out[key] == int(out[key]) else float(out[key])
        return out


class _Plugin(MarshmallowPlugin):
    Converter = _Converter


def openapi_document(app: Flask) -> dict[str, Any]:
    """The document served at /api/v1/openapi.json, built once per app."""
    doc = app.extensions.get("koridor_openapi")
    if doc is None:
        doc = app.extensions["koridor_openapi"] = build_document(app)
    return doc


def build_document(app: Flask) -> dict[str, Any]:
    plugin = _Plugin()
    spec = APISpec(title="Koridor API", version="1.0.0", openapi_version="3.1.0", plugins=[plugin],
                   info={"description": "Routing of investors' appeals (обращения) for investment-support agencies."},
                   servers=[{"url": "/"}], security=[{"bearer": []}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR_SCHEMA)
    rules = sorted((r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIX + "/")), key=lambda r: r.rule)
    for view in {app.view_functions[r.endpoint] for r in rules}:
        body = getattr(view, "openapi", {}).get("body")
        if getattr(body, "partial", None) is True:  # PATCH: the same fields, none required, under its own name
            spec.components.schema(f"{type(body).__name__}Partial", schema=body)
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        methods = sorted(m.lower() for m in (rule.methods or set()) - {"HEAD", "OPTIONS"})
        spec.path(path=openapi_path(rule), operations={m: _operation(plugin, rule, view, m) for m in methods})
    return spec.to_dict()


def openapi_path(rule: Rule) -> str:
    """`/api/v1/appeals/<int:appeal_id>` → `/api/v1/appeals/{appeal_id}`."""
    return _ARG.sub(r"{\1}", rule.rule)


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    out = []
    for name in _ARG.findall(rule.rule):
        converter = rule._converters.get(name)
        schema = {"type": "integer", "minimum": 0} if isinstance(converter, IntegerConverter) else {
            "type": "string", "pattern": "^[^/]+$"}
        out.append({"name": name, "in": "path", "required": True, "schema": schema})
    return out


def _query_parameters(params: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for name, spec in params.items():
        kind, text = spec if isinstance(spec, tuple) else (str, spec)
        out.append({"name": name, "in": "query", "required": False, "description": text,
                    "schema": {"type": "integer" if kind is int else "string"}})
    return out


def _summary(view: Callable) -> tuple[str, str | None]:
    text = (view.__doc__ or "").strip()
    if not text:
        return view.__name__.replace("_", " "), None
    first, _, rest = text.partition("\n\n")
    return " ".join(first.split()), (" ".join(rest.split()) or None)


def _request_body(plugin: _Plugin, doc: dict[str, Any]) -> dict[str, Any] | None:
    schema, files = doc.get("body"), doc.get("files") or {}
    if schema is None and not files:
        return None
    if not doc.get("form") and not files:
        return {"required": not doc.get("body_optional"), "content": {"application/json": {"schema": schema}}}
    form: dict[str, Any] = {"type": "object", "properties": {}}
    if schema is not None:
        form = dict(plugin.converter.schema2jsonschema(schema))
        form["properties"] = dict(form["properties"])
    for name, text in files.items():
        form["properties"][name] = {"type": "string", "format": "binary", "description": text}
    if schema is None:
        form["required"] = sorted(files)
    return {"required": True, "content": {"multipart/form-data": {"schema": form}}}


def _responses(doc: dict[str, Any], path: str) -> dict[str, Any]:
    status, schema, media, also = str(doc.get("status", 200)), doc.get("response"), doc.get("media"), doc.get("also")
    if status == "204":
        main: dict[str, Any] = {"description": "Done, no content"}
    elif media and schema is None:
        binary = media != "application/json"
        main = {"description": "OK", "content": {media: {"schema": {"type": "string", "format": "binary"}
                                                         if binary else {"type": "object"}}}}
    else:
        main = {"description": "OK", "content": {"application/json": {"schema": schema or {"type": "object"}}}}
        if also:
            main["content"][also] = {"schema": {"type": "string", "format": "binary"}}
    out = {status: main}
    for code, text in ERRORS.items():
        out[code] = {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if path == f"{PREFIX}/auth/token":
        out["429"] = {"description": "Too many failed sign-ins for this login",
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return out


def _operation(plugin: _Plugin, rule: Rule, view: Callable, method: str) -> dict[str, Any]:
    doc: dict[str, Any] = getattr(view, "openapi", {})
    secured = bool(getattr(view, "requires_token", False))
    summary, description = _summary(view)
    path = openapi_path(rule)
    op: dict[str, Any] = {"operationId": f"{rule.endpoint.split('.')[-1]}_{method}", "summary": summary,
                          "tags": [path.removeprefix(PREFIX + "/").split("/")[0]],
                          "responses": _responses(doc, path)}
    if description:
        op["description"] = description
    parameters = _path_parameters(rule) + _query_parameters(doc.get("query") or {})
    if parameters:
        op["parameters"] = parameters
    if method in ("post", "put", "patch") and (body := _request_body(plugin, doc)) is not None:
        op["requestBody"] = body
    if not secured:
        op["security"] = []
    return op
