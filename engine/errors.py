"""Errors raised by the engine layer; web/errors.py maps them to HTTP once."""
from __future__ import annotations


class KoridorError(Exception):
    """Base of every typed error; `message` is shown to the user."""

    status = 400

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(KoridorError):
    status = 404


class NotPermitted(KoridorError):
    status = 403


class InvalidTransition(KoridorError):
    """The action is not possible in the current state (task done, wrong action)."""

    status = 409


class ConcurrentUpdate(KoridorError):
    """Somebody changed the same process instance meanwhile."""

    status = 409


class ValidationFailed(KoridorError):
    status = 422


class DiagramRejected(KoridorError):
    """An uploaded diagram failed parsing or validation; `errors` lists every problem."""

    status = 422
