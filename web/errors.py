"""One mapping from typed errors to HTTP: {code, status, message, errors}.

The services' errors (services/errors.py) and the engine's (engine/errors.py) carry no status; this
table gives it, for the API, the pages and every other caller that needs one (`status_of`)."""
from __future__ import annotations

from flask import Flask, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from engine import errors as engine_errors
from services import errors as service_errors
from services.errors import TYPED
from services.identity import IdentityRefused
from services.people.directory import AuthenticationFailed
from services.sessions import TooManyAttempts
from services.signup import LinkExpired, TooManySignups

from .validation import flatten

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "validation_failed",
          429: "too_many_requests", 500: "internal_error"}


STATUS = {
    service_errors.NotFound: 404, service_errors.NotPermitted: 403, service_errors.InvalidTransition: 409,
    service_errors.ValidationFailed: 422, service_errors.KoridorError: 400,
    engine_errors.NotFound: 404, engine_errors.InvalidTransition: 409, engine_errors.ConcurrentUpdate: 409,
    engine_errors.InvalidInput: 422, engine_errors.DiagramRejected: 422, engine_errors.EngineError: 400,
    IdentityRefused: 403, TooManySignups: 429, LinkExpired: 410, TooManyAttempts: 429,
}


def status_of(err: Exception) -> int:
    """The HTTP status of a typed error (the nearest class in the table; 400 for any other typed one)."""
    return next((STATUS[cls] for cls in type(err).__mro__ if cls in STATUS), 400)


def error_body(status: int, message: str, errors: dict | None = None):
    response = jsonify({"code": _CODES.get(status, "error"), "status": status, "message": message,
                        "errors": errors or {}})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    for family in TYPED:
        app.register_error_handler(family, _typed)

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


def _typed(err):
    response = error_body(status_of(err), err.message, err.errors)
    if getattr(err, "retry_after", None):
        response.headers["Retry-After"] = str(err.retry_after)
    return response
