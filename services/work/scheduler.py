"""APScheduler running the time sweeps in `koridor scheduler` (or inside `koridor serve`).

`JOBS` lists the periodic jobs (id, function of the context, seconds between runs, or a daily local
hour); another module adds its own with `JOBS.append(Job(...))` before the scheduler is built. Every job is coalesced and
never runs twice at once in one process; across processes the timer sweep is safe by its claims
(services/timers.py).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from services.context import Context
from services.notify.digest import send_digests
from services.notify.outbox import send_pending
from services.projects.work import refresh_project_cadence
from services.work.timers import sweep, worker_name

log = logging.getLogger("koridor.scheduler")


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable[[Context], object]
    seconds: Callable[[Context], int] | None = None  # None: the scheduler's interval
    daily_hour: Callable[[Context], int] | None = None  # once a day at this local hour (the pack's zone)


def _sweep(ctx: Context) -> None:
    """Fire the due timers: BPMN timers, SLA warnings, appeals turning overdue, investor silence."""
    try:
        report = sweep(ctx, worker=_worker(ctx))
        if report.fired or report.failed:
            log.info("timers fired: %s, failed: %s", report.fired, report.failed)
    except Exception:  # a failing sweep is logged and retried at the next tick
        log.exception("timer sweep failed")


def _cadence(ctx: Context) -> None:
    """Give each stale project its «Актуализировать» task (services/project_work.py)."""
    try:
        created = refresh_project_cadence(ctx)
        if created:
            log.info("project update tasks created: %s", created)
    except Exception:  # logged and retried at the next tick
        log.exception("project cadence sweep failed")


def _send_mail(ctx: Context) -> None:
    """Send the letters due in the outbox (services/outbox.py)."""
    try:
        counts = send_pending(ctx)
        if counts:
            log.info("outbox: %s", counts)
    except Exception:  # the rows stay in the outbox; the next tick tries again
        log.exception("outbox sweep failed")


def _digest(ctx: Context) -> None:
    """Fold the letters held for the daily digest into one letter per person (services/notify/digest.py)."""
    try:
        folded = send_digests(ctx)
        if folded:
            log.info("digests: %s", folded)
    except Exception:  # the held rows stay; the next day's run (or `koridor digest`) folds them
        log.exception("digest failed")


def _worker(ctx: Context) -> str:
    name = getattr(ctx, "_scheduler_worker", None)
    if name is None:
        name = worker_name()
        ctx._scheduler_worker = name  # type: ignore[attr-defined]
    return name


JOBS: list[Job] = [Job("timers", _sweep),
                   Job("outbox", _send_mail, seconds=lambda ctx: ctx.settings.outbox_interval_seconds),
                   # seed 000 item 4.3: stale projects get an update task
                   Job("project_cadence", _cadence, seconds=lambda ctx: 30 * 60),
                   Job("digest", _digest, daily_hour=lambda ctx: ctx.settings.digest_hour)]


def build_scheduler(ctx: Context, interval_seconds: int = 60, blocking: bool = False):
    """A scheduler with every job of `JOBS`, each every `interval_seconds` unless it says otherwise (not started)."""
    scheduler = BlockingScheduler() if blocking else BackgroundScheduler(daemon=True)
    for job in JOBS:
        if job.daily_hour is not None:
            trigger = CronTrigger(hour=job.daily_hour(ctx), minute=0, timezone=ctx.tz)
        else:
            trigger = IntervalTrigger(seconds=job.seconds(ctx) if job.seconds else interval_seconds)
        scheduler.add_job(job.run, trigger, args=[ctx], id=job.id, max_instances=1, coalesce=True)
    return scheduler
