"""Several real `koridor scheduler --once` processes on one database: every timer fires exactly once,
and a scheduler killed with SIGKILL in the middle of a sweep loses nothing and doubles nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.db import Database
from engine.models import HistoryEvent, Timer
from services.models import Notification
from tests.bulk_timers import create_overdue_appeals
from tests.support import build_world

ROOT = Path(__file__).resolve().parents[2]


def _scheduler(database_url: str, worker: str, lease_seconds: int = 300) -> subprocess.Popen:
    env = {**os.environ, "KORIDOR_DATABASE_URL": database_url, "KORIDOR_PACK": "leningrad",
           "KORIDOR_SECRET_KEY": "test", "KORIDOR_TIMER_LEASE_SECONDS": str(lease_seconds)}
    return subprocess.Popen([sys.executable, "-c", "from web.cli import main; main()", "scheduler", "--once",
                             "--worker", worker], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _setup(ctx, count: int) -> list[int]:
    build_world(ctx)
    return create_overdue_appeals(ctx, count, datetime.now(UTC) - timedelta(hours=1))


def _assert_each_fired_once(ctx, ids: list[int]) -> Counter:
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        states = Counter(s.scalars(select(Timer.state).where(Timer.kind == "overdue")))
        events = Counter(s.scalars(select(HistoryEvent.subject_id).where(HistoryEvent.action == "overdue")))
        notices = s.scalar(select(func.count()).select_from(Notification).where(Notification.event == "overdue"))
    assert states == {"done": len(ids)}
    assert set(events) == set(ids) and set(events.values()) == {1}, "an appeal escalated twice or never"
    assert notices == len(ids)
    return states


def _summary(out: str) -> dict[str, float]:
    line = out.strip().splitlines()[-1]
    return {k: float(v) for k, v in (item.split("=") for item in line.split())}


def test_three_scheduler_processes_fire_2000_timers_once(ctx, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("several scheduler processes share PostgreSQL (SQLite serializes writers anyway)")
    ids = _setup(ctx, 2000)
    procs = [_scheduler(database_url, f"w{n}") for n in range(3)]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    fired = [_summary(out)["fired"] for out, _ in results]
    assert sum(fired) == 2000, fired
    _assert_each_fired_once(ctx, ids)


def test_a_scheduler_killed_mid_sweep_loses_and_doubles_nothing(ctx, database_url):
    ids = _setup(ctx, 1000)
    victim = _scheduler(database_url, "victim", lease_seconds=1)
    watcher = Database(database_url, read_only=True)  # reads without queueing for SQLite's write lock
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and victim.poll() is None:  # wait until it is in the middle of the work
        with watcher.unit_of_work() as uow:
            done = uow.session.scalar(select(func.count()).select_from(Timer).where(Timer.state == "done"))
        if done:  # its first chunk committed: the sweep is under way
            break
        time.sleep(0.01)
    watcher.dispose()
    assert victim.poll() is None, "the scheduler finished before it could be killed"
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    with ctx.db.unit_of_work() as uow:
        states = Counter(uow.session.scalars(select(Timer.state)))
    assert 0 < states["done"] < len(ids), states  # killed with work left
    time.sleep(1.2)  # its claims' lease runs out
    survivor = _scheduler(database_url, "survivor")
    out, err = survivor.communicate(timeout=120)
    assert survivor.returncode == 0, err
    assert _summary(out)["fired"] == len(ids) - states["done"]
    _assert_each_fired_once(ctx, ids)
