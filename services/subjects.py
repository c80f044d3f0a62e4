"""What a process is about: appeals, registration requests, projects.

The appeal lifecycle lives in services/actions.py and services/effects.py. Other processes
(the onboarding paths of issue 4) register a handler per `subject_type` here, so the one task
endpoint (`POST /api/v1/tasks/<id>/complete`) and the one timer sweep serve them all:

* `complete(ctx, session, actor, task, spec, action, fields, now)` applies the subject's side of a
  human step, lets the engine move the process and returns the response body;
* `apply_run(session, result, now)` applies what a run asked for (service-task effects, status)
  after a timer fired.

Handlers run inside the caller's unit of work and never commit.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.models import InboxTask
from engine.runtime import RunResult
from engine.specs import HumanTaskSpec

CompleteHandler = Callable[..., dict[str, Any]]
ApplyHandler = Callable[[Session, RunResult, datetime], Any]


@dataclass(frozen=True)
class SubjectHandler:
    complete: CompleteHandler
    apply_run: ApplyHandler


_HANDLERS: dict[str, SubjectHandler] = {}


def register(subject_type: str, complete: CompleteHandler, apply_run: ApplyHandler) -> None:
    """Make `subject_type`'s tasks completable and its timers applicable (idempotent)."""
    _HANDLERS[subject_type] = SubjectHandler(complete, apply_run)


def handler(subject_type: str) -> SubjectHandler | None:
    return _HANDLERS.get(subject_type)


def complete_other(ctx, session: Session, actor, task: InboxTask, spec: HumanTaskSpec, action: str,
                   fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Complete a task whose subject is not an appeal through its registered handler."""
    found = handler(task.subject_type)
    if found is None:
        raise LookupError(f"no handler for subject type {task.subject_type!r}")
    return found.complete(ctx, session, actor, task, spec, action, fields, now)


def apply_other(session: Session, result: RunResult, now: datetime) -> Any:
    """Apply a non-appeal run's effects (a no-op for a subject type nobody registered)."""
    found = handler(result.subject_type)
    return found.apply_run(session, result, now) if found else None
