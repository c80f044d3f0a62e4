"""Kazakhstan figures for `make bench`: the region rating and the quarterly monitoring report on
5 000 projects with 100 000 roadmap tasks (SQL aggregates, issue 6), and green-corridor scores/s
through the deployed DMN (issue 4)."""
from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from engine.dmn import parse_dmn
from engine.migrate import upgrade
from packs.kazakhstan.models import KzRoadmapTask
from packs.kazakhstan.reports import monitoring_report, region_rating
from services.analyst.green_corridor import score_with
from services.context import Actor
from services.models import Project
from services.settings import Settings
from web import create_app

DMN = Path(__file__).resolve().parents[1] / "workflows" / "dmn" / "green_corridor.dmn"
READER = Actor("bench", "bench", ("analyst",), "bench", "agency")


def _fill(ctx, projects: int = 5000, tasks_each: int = 20) -> None:
    rnd = random.Random(1)
    regions = [f"Регион {i}" for i in range(20)]
    created = datetime(2024, 1, 1, tzinfo=UTC)
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        rows = [Project(pack="kazakhstan", name=f"p{i}", region=rnd.choice(regions), stage="implementation",
                        status="with_roadmap", created_at=created, details={}) for i in range(projects)]
        s.add_all(rows)
        s.flush()
        tasks = []
        for p in rows:
            for _ in range(tasks_each):
                due = date(2024, 1, 1) + timedelta(days=rnd.randint(0, 700))
                done = due + timedelta(days=rnd.randint(-20, 40)) if rnd.random() < 0.6 else None
                tasks.append({"project_id": p.id, "stage": "investment", "title": "t", "responsible": "r",
                              "due_date": due, "completed_on": done, "state": "done" if done else "open",
                              "created_at": created, "created_by": "bench"})
        s.bulk_insert_mappings(KzRoadmapTask, tasks)
        uow.commit()


def report_times(url: str, repeats: int = 5) -> tuple[float, float]:
    """Median seconds of the region rating and of the quarterly monitoring report."""
    app = create_app(Settings(database_url=url, pack="kazakhstan", secret_key="bench", testing=True))
    ctx = app.extensions["koridor"]
    upgrade(url)
    _fill(ctx)
    rating, monitoring = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        with ctx.db.unit_of_work() as uow:
            region_rating(uow.session, date(2025, 6, 30))
        rating.append(time.perf_counter() - start)
        start = time.perf_counter()
        monitoring_report(ctx, READER, 2025, 2)
        monitoring.append(time.perf_counter() - start)
    ctx.db.dispose()
    return statistics.median(rating), statistics.median(monitoring)


def dmn_scores_per_second(n: int = 2000) -> float:
    loaded = parse_dmn(DMN.read_bytes(), DMN.name)
    levels = ("non_manufacturing", "unlisted", "medium", "high")
    start = time.perf_counter()
    for i in range(n):
        score_with(loaded, {"investment_usd": float(i * 50_000), "global2000": i % 2 == 0,
                            "tech_level": levels[i % 4], "jobs": i % 700})
    return n / (time.perf_counter() - start)
