"""The use cases' typed errors: what the user did that cannot be done, without any notion of HTTP.

web/errors.py maps them (and the engine's own, engine/errors.py) to HTTP statuses once; the pages
and the CLI show their message. `TYPED` catches both families.
"""
from __future__ import annotations

from engine.errors import EngineError


class KoridorError(Exception):
    """Base of the services' errors; `message` is shown to the user, `errors` lists problems by field."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(KoridorError):
    """Unknown, or not visible to the caller."""


class NotPermitted(KoridorError):
    """The caller's roles do not allow it."""


class InvalidTransition(KoridorError):
    """Not possible in the current state (a task already done, a second extension, …)."""


class ValidationFailed(KoridorError):
    """The input breaks a rule; `errors` names each field and its problems."""


TYPED = (KoridorError, EngineError)
"""Every typed error, the services' and the engine's (for `except TYPED as err`)."""
