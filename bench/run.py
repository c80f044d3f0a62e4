"""`make bench`: completions/s through services (SQLite, PostgreSQL), raw SpiffWorkflow,
their ratio, the cost of the 200th rework cycle over the 1st, replay verification (issue 7), and
the reports and registry XLSX on 1,000,000 generated appeals (issue 6, bench/reports.py; skip with
KORIDOR_BENCH_REPORTS=0; the first run fills the data set, about ten minutes). Prints a Markdown table.

Figures are medians of repeated rounds measured in one run (the machines are shared).
"""
from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import create_engine, select, text

from engine.models import InboxTask
from engine.specs import parse_diagram
from services import audit
from services.appeals import actions
from services.appeals.intake import submit_appeal
from services.people.directory import actor_for
from services.settings import Settings
from services.work import inbox
from tests.support import COMPANY, FACT_PROBLEM, build_world
from web import create_app

from .kz import dmn_scores_per_second, report_times
from .timers import rows as timer_rows

BPMN = Path(__file__).resolve().parents[1] / "workflows" / "bpmn" / "appeal.bpmn"
LIFECYCLE = [("moderator", "accept", {"executor_org": "kdh"}), ("kdh_manager", "take", {}),
             ("kdh_manager", "answer", {"text": "ответ", "outcome": "resolved"}), ("head", "approve", {}),
             ("investor", "accept", {"rating": 5})]
ROUNDS = 5
APPEALS_PER_ROUND = 20


class Clock:
    def __init__(self):
        self.now = datetime(2025, 8, 18, 8, 0, tzinfo=UTC)

    def __call__(self):
        self.now += timedelta(milliseconds=1)
        return self.now


def _fresh_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _world(url: str):
    app = create_app(Settings(database_url=url, secret_key="bench", testing=True), clock=Clock())
    ctx = app.extensions["koridor"]
    build_world(ctx)
    with ctx.db.unit_of_work() as uow:
        people = {login: actor_for(uow.session, login)
                  for login in ("investor", "moderator", "kdh_manager", "head")}
    return ctx, people


def services_rate(url: str) -> tuple[float, list[float]]:
    """Completions per second through services.appeals.actions.complete_task (one transaction each)."""
    ctx, people = _world(url)
    rates = []
    for _ in range(ROUNDS):
        ids = [submit_appeal(ctx, people["investor"], {"fact": FACT_PROBLEM, "subject": "s", "description": "d",
                                                       "company": COMPANY})["id"] for _ in range(APPEALS_PER_ROUND)]
        todo = []
        for login, action, fields in LIFECYCLE:
            todo.append((login, action, fields))
        start = time.perf_counter()
        count = 0
        for login, action, fields in todo:
            actor = people[login]
            tasks = {t["appeal_id"]: t["id"] for t in inbox.list_tasks(ctx, actor)}
            for aid in ids:
                actions.complete_task(ctx, actor, tasks[aid], {"action": action, **fields})
                count += 1
        rates.append(count / (time.perf_counter() - start))
    ctx.db.dispose()
    return statistics.median(rates), rates


def replay_rates(url: str, appeals: int = 300) -> tuple[float, float]:
    """Issue 7: appeals/s that `koridor replay --all` rebuilds from their history and compares with the
    stored state (the 5-step lifecycle; read-only); in one process per CPU, and in one process."""
    ctx, people = _world(url)
    ids = [submit_appeal(ctx, people["investor"], {"fact": FACT_PROBLEM, "subject": "s", "description": "d",
                                                   "company": COMPANY})["id"] for _ in range(appeals)]
    for login, action, fields in LIFECYCLE:
        with ctx.db.unit_of_work() as uow:
            tasks = list(uow.session.scalars(select(InboxTask.id).where(InboxTask.state == "open")))
        for task_id in tasks:
            actions.complete_task(ctx, people[login], task_id, {"action": action, **fields})
    rates = {}
    for jobs in (os.cpu_count() or 1, 1):
        rounds = []
        for _ in range(3):
            start = time.perf_counter()
            summary = audit.replay_all(ctx, jobs=jobs)
            rounds.append(summary.instances / (time.perf_counter() - start))
            assert summary.matched == len(ids), summary.mismatches[:3]
        rates[jobs] = statistics.median(rounds)
    ctx.db.dispose()
    return rates[os.cpu_count() or 1], rates[1]


def raw_rate() -> float:
    """The same lifecycle in plain in-memory SpiffWorkflow (no storage, no checks)."""
    loaded = parse_diagram(BPMN.read_bytes(), "appeal.bpmn")
    rates = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        count = 0
        for _ in range(APPEALS_PER_ROUND):
            wf = _raw_workflow(loaded)
            for _login, action, fields in LIFECYCLE:
                task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
                task.data.update(fields, action=action)
                task.run()
                wf.refresh_timers()
                wf.do_engine_steps()
                count += 1
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


def _raw_workflow(loaded) -> BpmnWorkflow:
    wf = BpmnWorkflow(loaded.spec, loaded.subprocess_specs, script_engine=_RawEngine())
    wf.get_tasks(state=TaskState.READY)[0].data.update(deadline_at="2099-01-01T00:00:00+00:00", rating_due_at=None)
    wf.do_engine_steps()
    return wf


class _RawEngine(PythonScriptEngine):
    now = None

    def call_service(self, task, **kwargs):
        return "{}"


def cycle_costs(url: str, cycles: int = 205) -> list[float]:
    """Seconds per rework cycle (take, answer, approve, rework) through services."""
    ctx, people = _world(url)
    aid = submit_appeal(ctx, people["investor"], {"fact": FACT_PROBLEM, "subject": "s", "description": "d",
                                                  "company": COMPANY})["id"]

    def do(login, action, **fields):
        actor = people[login]
        task = next(t for t in inbox.list_tasks(ctx, actor) if t["appeal_id"] == aid)
        actions.complete_task(ctx, actor, task["id"], {"action": action, **fields})

    do("moderator", "accept", executor_org="kdh")
    costs = []
    for _ in range(cycles):
        start = time.perf_counter()
        do("kdh_manager", "take")
        do("kdh_manager", "answer", text="ответ", outcome="resolved")
        do("head", "approve")
        do("investor", "rework", reason="ещё раз")
        costs.append(time.perf_counter() - start)
    ctx.db.dispose()
    return costs


def raw_cycle_costs(cycles: int = 205) -> tuple[list[float], str]:
    """The unfixed library: rework cycles in raw SpiffWorkflow without pruning (depth grows)."""
    loaded = parse_diagram(BPMN.read_bytes(), "appeal.bpmn")
    wf = _raw_workflow(loaded)

    def do(action, **fields):
        task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(fields, action=action)
        task.run()
        wf.refresh_timers()
        wf.do_engine_steps()

    do("accept", executor_org="kdh")
    costs: list[float] = []
    failure = ""
    for cycle in range(cycles):
        start = time.perf_counter()
        try:
            for action in ("take", "answer", "approve", "rework"):
                do(action, outcome="resolved")
        except (RecursionError, IndexError) as err:  # the library's own limit
            failure = f"fails at cycle {cycle + 1} ({type(err).__name__})"
            break
        costs.append(time.perf_counter() - start)
    depth = max(_depth(wf.task_tree), *(_depth(sp.task_tree) for sp in wf.subprocesses.values()))
    return costs, f"tree depth {depth}" + (f", {failure}" if failure else "")


def _late(costs: list[float]) -> float:
    """Median of five cycles around the 200th (or the last five reached)."""
    end = min(len(costs), 202)
    return statistics.median(costs[max(0, end - 5):end])


def _depth(task) -> int:
    best, stack = 0, [(task, 1)]
    while stack:
        node, d = stack.pop()
        best = max(best, d)
        stack.extend((c, d + 1) for c in node.children)
    return best


def main() -> int:
    pg = os.environ.get("KORIDOR_BENCH_POSTGRES_URL")
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{tmp}/bench.db"
        sqlite, sqlite_rounds = services_rate(sqlite_url)
        costs = cycle_costs(f"sqlite:///{tmp}/cycles.db")
        replay, replay_one = replay_rates(f"sqlite:///{tmp}/replay.db")
        kz_rating, kz_monitoring = report_times(f"sqlite:///{tmp}/kz.db")
    postgres = None
    if pg:
        _fresh_pg(pg)
        postgres, _ = services_rate(pg)
    kz_pg = None
    if pg:
        _fresh_pg(pg)
        kz_pg = report_times(pg)
    raw = raw_rate()
    first, two_hundredth = statistics.median(costs[0:5]), _late(costs)
    raw_costs, raw_depth = raw_cycle_costs()
    time_rows = timer_rows(pg)  # issue 5: bench/timers.py
    rows = [
        ("Task completions/s through services, SQLite (median of rounds)", f"{sqlite:.0f}", "≥ 1000"),
        ("Task completions/s through services, PostgreSQL", f"{postgres:.0f}" if postgres else "not run", "≥ 600"),
        ("Task completions/s, raw in-memory SpiffWorkflow, same lifecycle", f"{raw:.0f}", "—"),
        ("Services (SQLite) slower than raw by", f"{raw / sqlite:.1f}×", "≤ 3×"),
        ("Rework cycle 200 ÷ cycle 1, services on SQLite (medians of 5 around each)",
         f"{two_hundredth / first:.2f}×", "≤ 1.2×"),
        ("Same, raw SpiffWorkflow without pruning (for comparison)",
         f"{_late(raw_costs) / statistics.median(raw_costs[0:5]):.2f}× at cycle {min(len(raw_costs), 200)} "
         f"({raw_depth})", "—"),
        (f"Replay verification, appeals/s (SQLite, 5-step lifecycle, {os.cpu_count()} processes)",
         f"{replay:.0f}", "≥ 500"),
        *time_rows,
        ("KZ region rating, 5 000 projects / 100 000 roadmap tasks, SQLite / PostgreSQL (s)",
         f"{kz_rating:.3f} / {kz_pg[0]:.3f}" if kz_pg else f"{kz_rating:.3f} / not run", "≤ 1"),
        ("KZ quarterly monitoring report, same data, SQLite / PostgreSQL (s)",
         f"{kz_monitoring:.3f} / {kz_pg[1]:.3f}" if kz_pg else f"{kz_monitoring:.3f} / not run", "≤ 1"),
        ("Green-corridor scores/s through the DMN (6 decisions each, safe evaluator)",
         f"{dmn_scores_per_second():.0f}", "—"),
    ]
    if pg and os.environ.get("KORIDOR_BENCH_REPORTS", "1") != "0":
        from bench import reports as report_bench

        rows.extend(report_bench.run(pg))
    print(f"Measured {datetime.now().date().isoformat()} on {platform.node()} "
          f"({os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()})\n")
    print("| figure | value | target |\n|---|---|---|")
    for row in rows:
        print(f"| {row[0]} | {row[1]} | {row[2]} |")
    print(f"\nSQLite rounds (completions/s): {', '.join(f'{r:.0f}' for r in sqlite_rounds)}")
    print(f"Rework cycle: 1st {first * 1000:.1f} ms, 200th {two_hundredth * 1000:.1f} ms (4 completions each)")
    print(f"Replay verification in one process: {replay_one:.0f} appeals/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
