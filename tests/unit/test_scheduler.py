"""The scheduler sweep fires due timers through the same service as `koridor timers`."""
from __future__ import annotations

from services import scheduler as scheduler_module


def test_scheduler_has_one_coalesced_timer_job(ctx):
    sched = scheduler_module.build_scheduler(ctx, interval_seconds=5)
    [job] = sched.get_jobs()
    assert job.id == "timers" and job.max_instances == 1 and job.coalesce


def test_a_failing_sweep_is_logged_not_raised(ctx, monkeypatch, caplog):
    def boom(_ctx, **_kw):
        raise RuntimeError("database gone")

    monkeypatch.setattr(scheduler_module, "sweep", boom)
    scheduler_module._sweep(ctx)
    assert "timer sweep failed" in caplog.text
