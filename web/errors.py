"""One mapping from typed errors to HTTP: {code, status, message, errors}."""
from __future__ import annotations

from flask import Flask, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from engine.errors import KoridorError
from services.people.directory import AuthenticationFailed

from .validation import flatten

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "validation_failed",
          429: "too_many_requests", 500: "internal_error"}


def error_body(status: int, message: str, errors: dict | None = None):
    response = jsonify({"code": _CODES.get(status, "error"), "status": status, "message": message,
                        "errors": errors or {}})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(KoridorError)
    def _typed(err: KoridorError):
        return error_body(err.status, err.message, err.errors)

    @app.errorhandler(ValidationError)
    def _schema(err: ValidationError):
        messages = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
        return error_body(422, "Проверьте поля запроса", flatten(messages))

    @app.errorhandler(AuthenticationFailed)
    def _auth(err: AuthenticationFailed):
        response = error_body(401, str(err))
        response.headers["WWW-Authenticate"] = 'Bearer realm="koridor"'
        return response

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        if not request.path.startswith("/api/"):
            from flask import render_template
            return render_template("pages/error.html", code=err.code, message=err.description or err.name), err.code
        return error_body(err.code or 500, err.description or err.name)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):  # pragma: no cover - a bug, logged
        app.logger.exception("unhandled error")
        return error_body(500, "Внутренняя ошибка сервера")
