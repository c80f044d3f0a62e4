"""What a process is about: appeals, registration requests, projects.

The appeal lifecycle lives in services/appeals/ (actions, effects). Other processes (the onboarding
path, the Kazakhstan project path) are declared by their pack as a `SubjectKind` per `subject_type`
(`Pack.subjects`), so the one task endpoint (`POST /api/v1/tasks/<id>/complete`) and the one timer
sweep serve them all:

* `complete(ctx, session, actor, task, spec, action, fields, now)` applies the subject's side of a
  human step, lets the engine move the process and returns the response body;
* `apply_run(session, result, now)` applies what a run asked for (service-task effects, status)
  after a timer fired;
* `id_field` names the key under which the inbox shows the subject's id (`project_id`, …);
* `page` is the endpoint of the subject's page, where the task page returns after completion.

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
class SubjectKind:
    complete: CompleteHandler
    apply_run: ApplyHandler
    id_field: str
    page: str | None = None


def kind(ctx, subject_type: str) -> SubjectKind | None:
    """The active pack's handler of `subject_type` (None for appeals and unknown types)."""
    return ctx.pack.subjects.get(subject_type)


def complete_other(ctx, session: Session, actor, task: InboxTask, spec: HumanTaskSpec, action: str,
                   fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Complete a task whose subject is not an appeal through the pack's handler."""
    found = kind(ctx, task.subject_type)
    if found is None:
        raise LookupError(f"no handler for subject type {task.subject_type!r}")
    return found.complete(ctx, session, actor, task, spec, action, fields, now)


def apply_other(ctx, session: Session, result: RunResult, now: datetime) -> Any:
    """Apply a non-appeal run's effects (a no-op for a subject type the pack does not declare)."""
    found = kind(ctx, result.subject_type)
    return found.apply_run(session, result, now) if found else None
