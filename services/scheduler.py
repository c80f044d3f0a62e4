"""APScheduler running the time sweeps (due BPMN timers) in `koridor serve` or `koridor scheduler`."""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from .context import Context
from .project_work import refresh_project_cadence
from .timers import fire_due_timers

log = logging.getLogger("koridor.scheduler")


def _sweep(ctx: Context) -> None:
    try:
        fired = fire_due_timers(ctx)
        if fired:
            log.info("timers fired: %s", fired)
    except Exception:  # a failing sweep is logged and retried at the next tick
        log.exception("timer sweep failed")


def _cadence(ctx: Context) -> None:
    try:
        created = refresh_project_cadence(ctx)
        if created:
            log.info("project update tasks created: %s", created)
    except Exception:  # logged and retried at the next tick
        log.exception("project cadence sweep failed")


def build_scheduler(ctx: Context, interval_seconds: int = 60, blocking: bool = False):
    """A scheduler with the timer sweep every `interval_seconds` (not started)."""
    scheduler = BlockingScheduler() if blocking else BackgroundScheduler(daemon=True)
    scheduler.add_job(_sweep, "interval", seconds=interval_seconds, args=[ctx], id="timers",
                      max_instances=1, coalesce=True)
    scheduler.add_job(_cadence, "interval", minutes=30, args=[ctx], id="project_cadence",
                      max_instances=1, coalesce=True)  # seed 000 item 4.3: stale projects get an update task
    return scheduler
