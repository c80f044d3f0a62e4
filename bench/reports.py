"""`make bench`, issue 6: both reports and the registry XLSX on PostgreSQL with 1,000,000 appeals.

The data set lives in the schema `bench_reports` of the bench database (the throughput bench
recreates `public` every run) and is reused between runs: `koridor generate` writes a `dataset`
marker row with the total, and the schema is refilled only when that total differs. Filling a
million appeals takes about ten minutes on the 2-core machine; a run on a filled schema about one.
Goals (issue 6): ≤ 1 s per report, ≤ 5 s for the XLSX of 100,000 registry rows.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, text

from devdata import generate
from engine.migrate import upgrade
from services.people.directory import actor_for
from services.reports import appeals as reports
from services.reports import dashboard, registry, spreadsheets
from services.settings import Settings
from web import create_app

SCHEMA = "bench_reports"
APPEALS = int(os.environ.get("KORIDOR_BENCH_APPEALS", "1000000"))
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # a fixed "now": figures comparable between runs
RUNS = 5


def _schema_url(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"


def _recreate_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()


def _ctx(url: str):
    app = create_app(Settings(database_url=_schema_url(url), secret_key="bench", pack="leningrad", testing=True),
                     clock=lambda: NOW)
    return app.extensions["koridor"]


def _timed(fn, runs: int = RUNS) -> tuple[float, list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def fill(url: str, appeals: int = APPEALS) -> tuple[object, str]:
    """The context on the filled schema, and how it was filled (reused or generated, with the time)."""
    ctx = _ctx(url)
    try:
        total = generate.generated_total(ctx)
    except Exception:  # noqa: BLE001 - no schema yet: fill it
        total = -1
    if total == appeals:
        started = time.perf_counter()
        upgrade(ctx.settings.database_url)  # a data set filled before the latest migration gets it now
        return ctx, f"reused ({appeals:,} appeals; migrations {time.perf_counter() - started:.0f} s)"
    ctx.db.dispose()
    _recreate_schema(url)
    ctx = _ctx(url)
    done = [0]
    started = time.perf_counter()

    def progress(step: int) -> None:
        done[0] += step
        rate = done[0] / (time.perf_counter() - started)
        sys.stderr.write(f"\r  generating: {done[0]:,}/{appeals:,} ({rate:.0f}/s)")

    result = generate.generate(ctx, appeals, seed=1, batch=20_000, progress=progress)
    seconds = time.perf_counter() - started
    sys.stderr.write("\n")
    return ctx, (f"generated {appeals:,} appeals and {result.history_rows:,} history rows in {seconds / 60:.1f} min "
                 f"({appeals / seconds:.0f} appeals/s)")


def run(url: str) -> list[tuple[str, str, str]]:
    ctx, how = fill(url)
    with ctx.db.unit_of_work() as uow:
        analyst = actor_for(uow.session, "gen-agency-analyst")
        head = actor_for(uow.session, "gen-agency-head")
        org_head = actor_for(uow.session, "gen-omsu-26-head")
    start = (NOW - timedelta(days=366)).date()
    rows = []
    for who, actor in (("agency head", head), ("analyst", analyst), ("head of one ОМСУ", org_head)):
        by_type, t1, r1 = _timed(lambda a=actor: reports.appeals_by_type(ctx, a, start, None))
        by_exec, t2, _ = _timed(lambda a=actor: reports.appeals_by_executor(ctx, a, start, None))
        rows.append((f"Report by type, {r1['total']['count']:,} appeals in the period, {who} (median of {RUNS})",
                     f"{by_type:.2f} s", "≤ 1 s"))
        rows.append((f"Report by executor × category, same, {who}", f"{by_exec:.2f} s", "≤ 1 s"))
    dash, _, _ = _timed(lambda: dashboard.dashboard(ctx, head))
    rows.append(("Dashboard, agency head", f"{dash:.2f} s", "—"))
    query = {"status": "resolved"}
    fetch, _, (filters, data) = _timed(lambda: registry.export_rows(ctx, head, query), runs=3)
    write, _, blob = _timed(lambda: spreadsheets.registry_xlsx(data, filters, NOW, ctx.tz), runs=3)
    rows.append((f"Registry XLSX, {len(data):,} rows (status=resolved): query + rows", f"{fetch:.2f} s", "—"))
    rows.append((f"Registry XLSX, {len(data):,} rows: writing the file ({len(blob) / 1e6:.1f} MB)",
                 f"{write:.2f} s", "—"))
    rows.append((f"Registry XLSX, {len(data):,} rows, total (median of 3)", f"{fetch + write:.2f} s", "≤ 5 s"))
    ctx.db.dispose()
    return [("Report data set (PostgreSQL, schema bench_reports)", how, "1,000,000 appeals"), *rows]


if __name__ == "__main__":
    target = os.environ.get("KORIDOR_BENCH_POSTGRES_URL")
    if not target:
        sys.exit("KORIDOR_BENCH_POSTGRES_URL is not set")
    print("| figure | value | target |\n|---|---|---|")
    for row in run(target):
        print(f"| {row[0]} | {row[1]} | {row[2]} |")
