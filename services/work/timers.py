"""The timer sweep: claim due timers, fire each exactly once, record failures as incidents.

A sweep repeats two steps until nothing is due:

1. **claim** (one short transaction): the due rows (`state` waiting, or a claim/back-off whose
   `claimed_until` passed: a crashed process's claims come back) are marked `claimed` by this worker
   with a lease. PostgreSQL picks them with `FOR UPDATE SKIP LOCKED`, so concurrent schedulers take
   disjoint batches without waiting; SQLite runs the same conditional UPDATE under its single
   writer lock. The query walks the `(state, due_at)` index: its cost grows with the due timers,
   not with the open appeals.
2. **fire** (a transaction per chunk): the chunk's instances and then its rows still claimed by this
   worker are locked (the order a user's step takes them, so the two never deadlock), the handlers run and the timers are closed in the same transaction as the handlers' writes, so a
   crash before the commit leaves them claimed (retried when the lease expires) and a commit fires
   each once. When a handler fails the chunk is redone with a savepoint per timer: the failing one
   is rolled back alone, its timer goes to `retry` with an exponential back-off and an incident is
   recorded for the admins; the rest of the chunk goes on.

Handlers are idempotent: a timer whose event is gone (fired by a user's step, appeal closed) is
closed without effect. `HANDLERS` maps a timer kind to its handler; other modules may register more.
"""
from __future__ import annotations

import logging
import os
import socket
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine.inbox import LIVE
from engine.models import Incident, ProcessInstance, Timer
from services.appeals import sla
from services.appeals.effects import apply_run
from services.context import Context
from services.subjects import apply_other

log = logging.getLogger("koridor.timers")

BATCH = 100  # timers claimed at once
CHUNK = 20  # timers fired per transaction

# kind -> handler(ctx, session, instance_id, task_uuid, now); returns a new due time to re-arm, else None
Handler = Callable[[Context, Session, int, str, datetime], datetime | None]


def _fire_bpmn(ctx: Context, session: Session, instance_id: int, task_uuid: str, now: datetime) -> None:
    result = ctx.engine.fire_timer(session, instance_id, task_uuid, now)
    if result is not None:
        if result.subject_type == "appeal":
            apply_run(session, result, now)
        else:
            apply_other(ctx, session, result, now)


def _fire_overdue(ctx: Context, session: Session, instance_id: int, _key: str, now: datetime) -> datetime | None:
    return sla.fire_overdue(ctx, session, instance_id, now)


HANDLERS: dict[str, Handler] = {
    "bpmn": _fire_bpmn,
    "overdue": _fire_overdue,
    "sla_warning": lambda ctx, s, instance_id, _key, now: sla.fire_warning(ctx, s, instance_id, now),
}

# kind -> (the single handler it stands for, handler of a chunk's timers of that kind by instance id): the
# sweep's fast path, the same effects in fewer statements; used only while HANDLERS still holds that handler
BatchHandler = Callable[[Context, Session, list[int], datetime], dict[int, datetime | None]]
BATCH_HANDLERS: dict[str, tuple[Handler, BatchHandler]] = {"overdue": (_fire_overdue, sla.fire_overdue_many)}


@dataclass
class SweepReport:
    fired: int = 0  # timers closed by their handler (a no-op for an obsolete timer counts too)
    rearmed: int = 0  # handler moved the timer later (its deadline moved)
    failed: int = 0  # handler raised: back-off and incident
    lost: int = 0  # claim taken over by another worker after the lease expired: not fired here
    by_kind: dict[str, int] = field(default_factory=dict)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def claim(ctx: Context, worker: str, now: datetime, limit: int = BATCH) -> list[Any]:
    """Claim up to `limit` due timers for `worker` (committed); returns (id, kind, instance_id, task_uuid, attempts)."""
    free = or_(Timer.state == "waiting", Timer.claimed_until <= now)
    due = (select(Timer.id).where(Timer.state.in_(LIVE), Timer.due_at <= now, free)
           .order_by(Timer.due_at, Timer.id).limit(limit))
    with ctx.db.unit_of_work() as uow:
        if uow.is_postgres:
            # a MATERIALIZED CTE runs the locking LIMIT query once; as a plain `IN (subquery)` PostgreSQL
            # may re-run it inside the UPDATE's join and claim more than `limit` rows (seen: 5 for 3)
            picked = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
            wanted = Timer.id.in_(select(picked.c.id))
        else:
            wanted = Timer.id.in_(due.scalar_subquery())
        rows = list(uow.session.execute(
            update(Timer).where(wanted, free)
            .values(state="claimed", claimed_by=worker,
                    claimed_until=now + timedelta(seconds=ctx.settings.timer_lease_seconds))
            .returning(Timer.id, Timer.kind, Timer.instance_id, Timer.task_uuid, Timer.attempts)
            .execution_options(synchronize_session=False)))
        uow.commit()
    return sorted(rows, key=lambda r: r.id)


def _record_failure(ctx: Context, s: Session, worker: str, item: Any, error: BaseException, now: datetime) -> None:
    """Back off (doubling, capped) and keep one open incident per failing timer."""
    attempts = item.attempts + 1
    delay = min(ctx.settings.timer_retry_seconds * 2 ** (attempts - 1), ctx.settings.timer_retry_max_seconds)
    retry_at = now + timedelta(seconds=delay)
    s.execute(update(Timer).where(Timer.id == item.id, Timer.claimed_by == worker)
              .values(state="retry", attempts=attempts, claimed_by=None, claimed_until=retry_at)
              .execution_options(synchronize_session=False))
    text = "".join(traceback.format_exception_only(type(error), error)).strip()[:4000]
    incident = s.scalar(select(Incident).where(Incident.timer_id == item.id, Incident.resolved_at.is_(None)))
    if incident is None:
        subject = s.execute(select(ProcessInstance.subject_type, ProcessInstance.subject_id)
                            .where(ProcessInstance.id == item.instance_id)).first()
        s.add(Incident(timer_id=item.id, instance_id=item.instance_id, kind=item.kind, error=text,
                       appeal_id=subject.subject_id if subject and subject.subject_type == "appeal" else None,
                       attempts=attempts, created_at=now, last_attempt_at=now, next_attempt_at=retry_at))
    else:
        incident.error, incident.attempts = text, attempts
        incident.last_attempt_at, incident.next_attempt_at = now, retry_at


def fire_claimed(ctx: Context, worker: str, items: list[Any], now: datetime, report: SweepReport) -> None:
    """Fire claimed timers, CHUNK per transaction; a chunk whose commit fails is redone one by one."""
    for start in range(0, len(items), CHUNK):
        chunk = items[start:start + CHUNK]
        try:
            _fire_chunk(ctx, worker, chunk, now, report)
        except Exception:  # noqa: BLE001 - the commit failed (lock lost, serialization): one at a time
            log.warning("timer chunk failed at commit; firing one by one", exc_info=True)
            for item in chunk:
                try:
                    _fire_chunk(ctx, worker, [item], now, report)
                except Exception:  # noqa: BLE001 - left claimed: retried when the lease expires
                    log.exception("timer %s: commit failed", item.id)


class _HandlerFailed(Exception):
    """Internal: a handler raised in the fast path; the chunk is redone with a savepoint per timer."""


def _fire_chunk(ctx: Context, worker: str, chunk: list[Any], now: datetime, report: SweepReport) -> None:
    try:
        _fire_chunk_once(ctx, worker, chunk, now, report, isolate=False)
    except _HandlerFailed:
        _fire_chunk_once(ctx, worker, chunk, now, report, isolate=True)


def _fire_chunk_once(ctx: Context, worker: str, chunk: list[Any], now: datetime, report: SweepReport,
                     isolate: bool) -> None:
    """One transaction: lock the chunk's instances, then its rows still claimed by `worker` (a lease taken
    over by another worker is skipped), run the handlers, close the timers. Without `isolate` a failing handler aborts
    the whole chunk (the caller redoes it isolated); with it, each timer runs in a savepoint and a
    failure is rolled back alone and recorded."""
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        if uow.is_postgres:  # instances first, in id order: the order a user's step locks (instance, its timers)
            s.execute(select(ProcessInstance.id).where(ProcessInstance.id.in_({i.instance_id for i in chunk}))
                      .order_by(ProcessInstance.id).with_for_update())
        owned = set(s.scalars(select(Timer.id).where(Timer.id.in_([i.id for i in chunk]), Timer.state == "claimed",
                                                     Timer.claimed_by == worker).with_for_update()))
        done: list[Any] = []
        rearm: list[tuple[Any, datetime]] = []
        failures = []
        batched: dict[int, datetime | None] = {}
        if not isolate:
            batched = _run_batches(ctx, s, [i for i in chunk if i.id in owned], now)
        for item in chunk:
            if item.id not in owned:  # lease expired and another worker took it, or a user's step fired it
                continue
            if item.id in batched:
                again = batched[item.id]
                if again is not None and again > now:
                    rearm.append((item, again))
                else:
                    done.append(item)
                continue
            again, err = _run_one(ctx, s, item, now, isolate)
            if err is not None:
                failures.append((item, err))
                continue
            if again is not None and again > now:
                rearm.append((item, again))
            else:
                done.append(item)
        _close(s, worker, done, rearm, now)
        for item, err in failures:
            log.warning("timer %s (%s) failed: %s", item.id, item.kind, err)
            _record_failure(ctx, s, worker, item, err, now)
        uow.commit()
    report.fired += len(done)
    report.rearmed += len(rearm)
    report.lost += len(chunk) - len(owned)
    report.failed += len(failures)
    for item in done:
        report.by_kind[item.kind] = report.by_kind.get(item.kind, 0) + 1


def _run_one(ctx: Context, s: Session, item: Any, now: datetime,
             isolate: bool) -> tuple[datetime | None, Exception | None]:
    """Run one timer's handler: (a time to re-arm it at or None, None) or, isolated in a savepoint, (None, the
    failure). Not isolated, a failure aborts the chunk (`_HandlerFailed`)."""
    savepoint = s.begin_nested() if isolate else None
    try:
        handler = HANDLERS.get(item.kind)
        if handler is None:
            raise LookupError(f"нет обработчика таймеров вида '{item.kind}'")
        again = handler(ctx, s, item.instance_id, item.task_uuid, now)
        if savepoint is not None:
            savepoint.commit()
    except Exception as err:  # noqa: BLE001 - any handler failure becomes an incident
        if savepoint is None:
            raise _HandlerFailed from err
        savepoint.rollback()
        return None, err
    return again, None


def _close(s: Session, worker: str, done: list[Any], rearm: list[tuple[Any, datetime]], now: datetime) -> None:
    """Close the fired timers, re-arm the others, resolve the incidents of those that failed before."""
    mine = (Timer.state == "claimed", Timer.claimed_by == worker)  # a BPMN run closed its own row already
    if done:
        s.execute(update(Timer).where(Timer.id.in_([i.id for i in done]), *mine)
                  .values(state="done", fired_at=now, claimed_by=None, claimed_until=None)
                  .execution_options(synchronize_session=False))
    for item, again in rearm:
        s.execute(update(Timer).where(Timer.id == item.id, *mine)
                  .values(state="waiting", due_at=again, claimed_by=None, claimed_until=None)
                  .execution_options(synchronize_session=False))
    retried = [i.id for i in done + [r[0] for r in rearm] if i.attempts]
    if retried:
        s.execute(update(Incident).where(Incident.timer_id.in_(retried), Incident.resolved_at.is_(None))
                  .values(resolved_at=now).execution_options(synchronize_session=False))


def _run_batches(ctx: Context, s: Session, items: list[Any], now: datetime) -> dict[int, datetime | None]:
    """Run the batch handlers on the chunk's timers of their kinds; by timer id, what the handler returned
    (a failure raises `_HandlerFailed`: the chunk is redone one timer at a time)."""
    result: dict[int, datetime | None] = {}
    for kind, (single, handler) in BATCH_HANDLERS.items():
        mine = [i for i in items if i.kind == kind]
        if len(mine) < 2 or HANDLERS.get(kind) is not single:
            continue
        by_instance: dict[int, list[Any]] = {}
        for item in mine:
            by_instance.setdefault(item.instance_id, []).append(item)
        try:
            outcome = handler(ctx, s, sorted(by_instance), now)
        except Exception as err:  # noqa: BLE001 - redone isolated, the failing timer becomes an incident
            raise _HandlerFailed from err
        for instance_id, again in outcome.items():
            for item in by_instance.get(instance_id, []):
                result[item.id] = again
    return result


def sweep(ctx: Context, worker: str | None = None, now: datetime | None = None,
          batch: int = BATCH) -> SweepReport:
    """Claim and fire due timers until none is left (`now` fixed for the sweep, else the clock per batch)."""
    worker = worker or worker_name()
    report = SweepReport()
    seen: set[int] = set()
    while True:
        at = now or ctx.clock()
        items = claim(ctx, worker, at, batch)
        if not items:
            return report
        fire_claimed(ctx, worker, items, at, report)
        ids = {i.id for i in items}
        if ids <= seen:  # the same rows again: a handler keeps re-arming in the past; next sweep
            return report
        seen |= ids


def fire_due_timers(ctx: Context, now: datetime | None = None) -> int:
    """Fire every timer due at `now` (`koridor timers`, tests); returns how many fired."""
    return sweep(ctx, now=now).fired
