"""The scheduler sweep fires due timers through the same service as `koridor timers`."""
from __future__ import annotations

from services.work import scheduler as scheduler_module


def test_scheduler_has_coalesced_timer_outbox_cadence_and_digest_jobs(ctx):
    sched = scheduler_module.build_scheduler(ctx, interval_seconds=5)
    jobs = {job.id: job for job in sched.get_jobs()}
    assert set(jobs) == {"timers", "outbox", "project_cadence", "digest"}
    assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())


def test_a_failing_cadence_sweep_is_logged_not_raised(ctx, monkeypatch, caplog):
    def boom(_ctx):
        raise RuntimeError("database gone")

    monkeypatch.setattr(scheduler_module, "refresh_project_cadence", boom)
    scheduler_module._cadence(ctx)
    assert "project cadence sweep failed" in caplog.text


def test_a_failing_outbox_sweep_is_logged_not_raised(ctx, monkeypatch, caplog):
    def boom(_ctx):
        raise RuntimeError("database gone")

    monkeypatch.setattr(scheduler_module, "send_pending", boom)
    scheduler_module._send_mail(ctx)
    assert "outbox sweep failed" in caplog.text


def test_a_failing_sweep_is_logged_not_raised(ctx, monkeypatch, caplog):
    def boom(_ctx, **_kw):
        raise RuntimeError("database gone")

    monkeypatch.setattr(scheduler_module, "sweep", boom)
    scheduler_module._sweep(ctx)
    assert "timer sweep failed" in caplog.text
