"""APScheduler running the time sweeps (due BPMN timers) in `koridor serve` or `koridor scheduler`."""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from .context import Context
from .outbox import send_pending
from .timers import fire_due_timers

log = logging.getLogger("koridor.scheduler")


def _sweep(ctx: Context) -> None:
    try:
        fired = fire_due_timers(ctx)
        if fired:
            log.info("timers fired: %s", fired)
    except Exception:  # a failing sweep is logged and retried at the next tick
        log.exception("timer sweep failed")


def _send_mail(ctx: Context) -> None:
    try:
        counts = send_pending(ctx)
        if counts:
            log.info("outbox: %s", counts)
    except Exception:  # the rows stay in the outbox; the next tick tries again
        log.exception("outbox sweep failed")


def build_scheduler(ctx: Context, interval_seconds: int = 60, blocking: bool = False):
    """A scheduler with the timer sweep every `interval_seconds` and the outbox sender (not started)."""
    scheduler = BlockingScheduler() if blocking else BackgroundScheduler(daemon=True)
    scheduler.add_job(_sweep, "interval", seconds=interval_seconds, args=[ctx], id="timers",
                      max_instances=1, coalesce=True)
    scheduler.add_job(_send_mail, "interval", seconds=ctx.settings.outbox_interval_seconds, args=[ctx],
                      id="outbox", max_instances=1, coalesce=True)
    return scheduler
