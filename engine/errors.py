"""The engine's own errors: what went wrong in a process, without any notion of HTTP.

The services raise theirs (services/errors.py); web/errors.py maps both to HTTP once, the CLI and
the pages show their message.
"""
from __future__ import annotations


class EngineError(Exception):
    """Base of the engine's errors; `message` is shown to the user, `errors` names the details."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(EngineError):
    """No such process, version, instance, task or decision."""


class InvalidTransition(EngineError):
    """The action is not possible in the current state (the task is done or no longer ready)."""


class ConcurrentUpdate(EngineError):
    """Somebody changed the same process instance (or history chain) meanwhile."""


class InvalidInput(EngineError):
    """An action the task does not declare, or data a process or decision table cannot work with."""


class DiagramRejected(EngineError):
    """An uploaded diagram or decision model failed parsing or validation; `errors` lists every problem."""


class ReplayFailed(EngineError):
    """The history cannot be replayed (a record names a version or task that is not there)."""
