"""Timer figures for `make bench` (issue 5), also runnable alone: `python -m bench.timers` with
KORIDOR_BENCH_POSTGRES_URL set.

* 10,000 due timers fired by 4 `koridor scheduler --once` processes on PostgreSQL (goal ≤ 5 s): each
  timer is an appeal's `overdue` timer (tests/bulk_timers.py), so firing it is the real handler: a
  history event on the appeal's hash chain, a notification, the timer closed.
* The sweep with nothing due over 1,000 and then 100,000 open appeals (each with a waiting timer):
  the claim walks the (state, due_at) index, so the time should stay flat.
"""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from services.settings import Settings
from services.work.timers import sweep
from tests.bulk_timers import create_overdue_appeals
from tests.support import build_world
from web import create_app

ROOT = Path(__file__).resolve().parents[1]


def _fresh(url: str):
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app(Settings(database_url=url, secret_key="bench", testing=True))
    ctx = app.extensions["koridor"]
    build_world(ctx)
    return ctx


def parallel_fire(url: str, timers: int = 10_000, processes: int = 4) -> tuple[float, float, list[int]]:
    """(wall seconds from launch to the last exit, longest sweep inside a process, timers fired per process)."""
    ctx = _fresh(url)
    create_overdue_appeals(ctx, timers, datetime.now(UTC) - timedelta(hours=1))
    with ctx.db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    ctx.db.dispose()
    env = {**os.environ, "KORIDOR_DATABASE_URL": url, "KORIDOR_SECRET_KEY": "bench"}
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", "from web.cli import main; main()", "scheduler", "--once",
                               "--worker", f"bench{n}"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
             for n in range(processes)]
    outs = [p.communicate()[0] for p in procs]
    wall = time.perf_counter() - started
    summaries = [dict(item.split("=") for item in out.strip().splitlines()[-1].split()) for out in outs]
    fired = [int(s["fired"]) for s in summaries]
    if sum(fired) != timers:
        raise SystemExit(f"fired {sum(fired)} of {timers}: {summaries}")
    return wall, max(float(s["seconds"]) for s in summaries), fired


def idle_sweeps(url: str, sizes: tuple[int, ...] = (1_000, 100_000), rounds: int = 30) -> dict[int, float]:
    """Median seconds of a sweep that finds nothing due, by the number of open appeals."""
    ctx = _fresh(url)
    result: dict[int, float] = {}
    have = 0
    for size in sizes:
        create_overdue_appeals(ctx, size - have, datetime.now(UTC), due=False)
        have = size
        with ctx.db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            report = sweep(ctx)
            times.append(time.perf_counter() - started)
            assert report.fired == 0
        result[size] = statistics.median(times)
    ctx.db.dispose()
    return result


def rows(url: str | None) -> list[tuple[str, str, str]]:
    if not url:
        return [("10,000 due timers fired on PostgreSQL by 4 processes", "not run", "≤ 5 s"),
                ("Sweep with 0 due, 1k vs 100k open appeals (PostgreSQL)", "not run", "flat")]
    wall, inner, fired = parallel_fire(url)
    idle = idle_sweeps(url)
    return [("10,000 due timers fired on PostgreSQL by 4 processes (launch to last exit; longest sweep)",
             f"{wall:.1f} s; {inner:.1f} s ({'/'.join(map(str, fired))} per process)", "≤ 5 s"),
            ("Sweep with 0 due, 1k vs 100k open appeals (PostgreSQL, median)",
             f"{idle[1_000] * 1000:.2f} ms vs {idle[100_000] * 1000:.2f} ms", "flat")]


if __name__ == "__main__":
    print(f"Measured {datetime.now().date().isoformat()} on {platform.node()} "
          f"({os.cpu_count()} cores, Python {platform.python_version()})\n")
    print("| figure | value | target |\n|---|---|---|")
    for row in rows(os.environ.get("KORIDOR_BENCH_POSTGRES_URL")):
        print(f"| {row[0]} | {row[1]} | {row[2]} |")
