"""Region rating (seed 003 item 62) and the quarterly monitoring report (items 24, 74–75) on a
generated data set, checked against an independent count; XLSX reopened with openpyxl."""
from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook

from packs.kazakhstan.models import KzRoadmapTask
from services.models import Project
from tests import kz_support

kz_app, kz = kz_support.kz_app, kz_support.kz  # the Kazakhstan world's fixtures

REGIONS = ["Алматинская область", "Туркестанская область", "г. Шымкент", "Карагандинская область"]
AT = date(2025, 9, 30)


def _generate(ctx, seed: int = 7) -> list[dict]:
    """Projects with roadmaps: open, done on time, done late, some due after AT. Returns plain rows."""
    rnd = random.Random(seed)
    rows = []
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        for i in range(24):
            region = REGIONS[i % 4] if i < 20 else REGIONS[0]  # the first region gets more projects
            project = Project(pack="kazakhstan", name=f"Проект {i}", region=region, stage="implementation",
                              status="with_roadmap", created_at=datetime(2025, 1, 10, tzinfo=UTC), details={})
            s.add(project)
            s.flush()
            for j in range(rnd.randint(1, 5)):
                due = date(2025, 6, 1) + timedelta(days=rnd.randint(0, 150))
                completed = None
                if rnd.random() < 0.5:
                    completed = due + timedelta(days=rnd.randint(-10, 25))
                s.add(KzRoadmapTask(project_id=project.id, stage="investment", title=f"Задача {j}", due_date=due,
                                    responsible="акимат", state="done" if completed else "open",
                                    completed_on=completed, created_at=project.created_at, created_by="akimat"))
                rows.append({"region": region, "project": project.id, "due": due, "completed": completed})
        s.add(Project(pack="kazakhstan", name="Инициатива", region=REGIONS[3], stage="initiative",
                      status="initiative", created_at=datetime(2025, 1, 10, tzinfo=UTC), details={}))
        uow.commit()
    return rows


def _expected_rating(rows: list[dict], at: date) -> list[tuple]:
    """Item 62 counted by hand: days overdue at `at` (or when done late), 0.5 / 1 / 1.5 points."""
    points: dict[str, float] = {r: 0.0 for r in REGIONS}
    tasks: dict[str, int] = {r: 0 for r in REGIONS}
    projects: dict[str, set] = {r: set() for r in REGIONS}
    for row in rows:
        projects[row["region"]].add(row["project"])
        if row["due"] >= at:
            continue
        end = row["completed"] if row["completed"] and row["completed"] <= at else at
        days = (end - row["due"]).days
        if days <= 0:
            continue
        tasks[row["region"]] += 1
        points[row["region"]] += 0.5 if days <= 5 else 1.0 if days <= 15 else 1.5
    ordered = sorted(REGIONS, key=lambda r: (points[r], -len(projects[r]), r))
    return [(r, points[r], tasks[r], len(projects[r])) for r in ordered]


def test_region_rating_matches_an_independent_count(kz, kz_app):
    rows = _generate(kz_app.extensions["koridor"])
    for at in (AT, date(2025, 7, 15), date(2025, 12, 31)):
        response = kz["analyst"].get(f"/api/v1/kz/region-rating?at={at.isoformat()}")
        assert response.status_code == 200, response.get_json()
        got = [(i["region"], i["points"], i["overdue_tasks"], i["projects"]) for i in response.get_json()["items"]]
        assert got == _expected_rating(rows, at), at
        assert [i["rank"] for i in response.get_json()["items"]] == [1, 2, 3, 4]
    assert kz["investor"].get("/api/v1/kz/region-rating").status_code == 403
    assert kz["analyst"].get("/api/v1/kz/region-rating?at=30.09.2025").status_code == 422


def test_band_edges_and_ties_go_to_the_region_with_more_projects(kz, kz_app):
    ctx = kz_app.extensions["koridor"]
    with ctx.db.unit_of_work() as uow:
        s = uow.session
        made = {}
        for region, count in (("A", 1), ("B", 2), ("C", 1)):
            for k in range(count):
                p = Project(pack="kazakhstan", name=f"{region}{k}", region=region, stage="implementation",
                            status="with_roadmap", created_at=datetime(2025, 1, 1, tzinfo=UTC), details={})
                s.add(p)
                s.flush()
                made.setdefault(region, []).append(p.id)
        overdue_by = {"A": [5, 6], "B": [15], "C": [16, 0]}  # A: 0.5 + 1; B: 1; C: 1.5 (0 days: not overdue)
        for region, days_list in overdue_by.items():
            for days in days_list:
                s.add(KzRoadmapTask(project_id=made[region][0], stage="investment", title="t", responsible="r",
                                    due_date=AT - timedelta(days=days), state="open",
                                    created_at=datetime(2025, 1, 1, tzinfo=UTC), created_by="akimat"))
        # done 3 days late before AT: 0.5 more for B, so B ties with A on 1.5 and C on 1.5
        s.add(KzRoadmapTask(project_id=made["B"][1], stage="investment", title="late", responsible="r",
                            due_date=date(2025, 9, 1), completed_on=date(2025, 9, 4), state="done",
                            created_at=datetime(2025, 1, 1, tzinfo=UTC), created_by="akimat"))
        uow.commit()
    items = kz["committee"].get(f"/api/v1/kz/region-rating?at={AT.isoformat()}").get_json()["items"]
    assert [(i["region"], i["points"], i["projects"]) for i in items] == [("B", 1.5, 2), ("A", 1.5, 1), ("C", 1.5, 1)]
    assert [i["overdue_days"] for i in items] == [18, 11, 16]

    response = kz["committee"].get(f"/api/v1/kz/region-rating?at={AT.isoformat()}&format=xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(response.data)).active
    assert ws["B2"].value.date() == AT and ws["B2"].number_format == "DD.MM.YYYY"
    assert [c.value for c in ws[5]] == ["Место", "Регион", "Баллы", "Просроченных задач", "Дней просрочки", "Проектов"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=6)] == [
        [1, "B", 1.5, 2, 18, 2], [2, "A", 1.5, 2, 11, 1], [3, "C", 1.5, 1, 16, 1]]


def test_quarterly_monitoring_report_matches_an_independent_count(kz, kz_app):
    rows = _generate(kz_app.extensions["koridor"], seed=11)
    start, end = date(2025, 7, 1), date(2025, 9, 30)
    response = kz["committee"].get("/api/v1/kz/reports/monitoring?year=2025&quarter=3")
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["due"] == {"regional_reports": "2025-10-15", "external_reports": "2025-10-15",
                             "consolidated_report": "2025-10-20"}
    rating = {r[0]: r[1] for r in _expected_rating(rows, end)}
    for item in report["items"]:
        mine = [r for r in rows if r["region"] == item["region"]]
        assert item["tasks_due"] == sum(start <= r["due"] <= end for r in mine)
        assert item["tasks_done"] == sum(bool(r["completed"]) and start <= r["completed"] <= end for r in mine)
        assert item["tasks_done_on_time"] == sum(bool(r["completed"]) and start <= r["completed"] <= end
                                                 and r["completed"] <= r["due"] for r in mine)
        assert item["tasks_overdue_at_end"] == sum(r["due"] < end and (not r["completed"] or r["completed"] > end)
                                                   for r in mine)
        assert item["projects"] == len({r["project"] for r in mine}) and item["rating_points"] == rating[item["region"]]
    assert sorted(i["region"] for i in report["items"]) == sorted(REGIONS)

    q4 = kz["committee"].get("/api/v1/kz/reports/monitoring?year=2025&quarter=4&format=xlsx")
    ws = load_workbook(io.BytesIO(q4.data)).active
    assert ws["A1"].value.startswith("Ежеквартальный мониторинг") and ws["B3"].value.date() == date(2026, 1, 15)
    assert ws["B4"].value.date() == date(2026, 1, 20) and ws["B2"].value.date() == date(2025, 10, 1)
    assert ws["A7"].value == "Регион" and ws.max_row == 7 + len(REGIONS)
    assert kz["investor"].get("/api/v1/kz/reports/monitoring?year=2025&quarter=3").status_code == 403
    assert kz["committee"].get("/api/v1/kz/reports/monitoring?year=2025&quarter=5").status_code == 422
