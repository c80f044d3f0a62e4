"""Reports of seed 001: by type and by executor × category, JSON and XLSX."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.support import FACT_CONSULTATION, FACT_PROBLEM, Api, build_world


@pytest.fixture
def people(app, ctx):
    build_world(ctx)
    client = app.test_client()
    return {login: Api(client, login) for login in ("investor", "moderator", "head", "kdh_manager", "auditor")}


def _answered(people, fact, rating=None, rework=False):
    inv, mod, head, kdh = people["investor"], people["moderator"], people["head"], people["kdh_manager"]
    aid = inv.file(fact=fact)["id"]
    mod.do(aid, "accept", executor_org="kdh")
    kdh.do(aid, "take")
    kdh.do(aid, "answer", text="ответ", outcome="resolved")
    head.do(aid, "approve")
    if rework:
        inv.do(aid, "rework", reason="нет")
        kdh.do(aid, "take")
        kdh.do(aid, "answer", text="ответ 2", outcome="resolved")
        head.do(aid, "approve")
    if rating:
        inv.do(aid, "accept", rating=rating)
    return aid


def test_report_by_type_counts_answers_work_overdue_and_ratings(people, clock):
    _answered(people, FACT_PROBLEM, rating=5)
    _answered(people, FACT_PROBLEM, rating=4, rework=True)
    people["investor"].file(fact=FACT_CONSULTATION)
    clock.advance(days=6)  # the consultation (5 days) is now overdue
    head = people["head"]
    report = head.get("/api/v1/reports/appeals-by-type?from=2025-08-01&to=2025-08-31").get_json()
    rows = {r["appeal_type"]: r for r in report["rows"]}
    assert rows["problem"] == {**rows["problem"], "count": 2, "answered": 2, "in_work": 0, "overdue": 0,
                               "avg_rating": 4.5}
    assert rows["consultation"]["count"] == 1 and rows["consultation"]["overdue"] == 1
    assert rows["help"]["count"] == 0
    assert report["total"]["count"] == 3 and report["total"]["in_work"] == 1
    assert report["from"] == "2025-08-01" and report["to"] == "2025-08-31"
    empty = head.get("/api/v1/reports/appeals-by-type?from=2025-09-01&to=2025-09-30").get_json()
    assert empty["total"]["count"] == 0


def test_report_by_executor_nests_categories_and_counts_rework(people):
    _answered(people, FACT_PROBLEM, rating=5)
    _answered(people, FACT_PROBLEM, rework=True)
    report = people["head"].get("/api/v1/reports/appeals-by-executor?from=2025-08-01&to=2025-08-31").get_json()
    [executor] = report["executors"]
    assert executor["executor"] == "kdh_manager" and executor["count"] == 2 and executor["rework_percent"] == 50.0
    [category] = executor["categories"]
    assert category["name"] == "Вопросы бизнеса, связанные с автомобильными дорогами и транспортом"
    [sub] = category["subcategories"]
    [fact] = sub["facts"]
    assert fact["code"] == FACT_PROBLEM and fact["count"] == 2


def test_reports_download_as_xlsx_with_russian_headers(people):
    _answered(people, FACT_PROBLEM, rating=5)
    head = people["head"]
    response = head.get("/api/v1/reports/appeals-by-type?from=2025-08-01&to=2025-08-31&format=xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "ОТЧЕТ" and values[1][0] == "Общее количество обращений по типу"
    assert ["Тип обращения", "Кол-во обращений", "Кол-во ответов", "Кол-во в работе", "Кол-во просроченных",
            "Средняя оценка ответа"] in values
    assert ["Проблема", 1, 1, 0, 0, 5] in values and values[-1][0] == "Итого"
    assert ws["B4"].is_date
    response = head.get("/api/v1/reports/appeals-by-executor?format=xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data)).active["A1"].value == "ОТЧЕТ"


def test_reports_are_for_staff_and_validate_dates(people):
    assert people["investor"].get("/api/v1/reports/appeals-by-type").status_code == 403
    response = people["head"].get("/api/v1/reports/appeals-by-type?from=yesterday")
    assert response.status_code == 422 and "from" in response.get_json()["errors"]
    response = people["head"].get("/api/v1/reports/appeals-by-type?from=2025-09-01&to=2025-08-01")
    assert response.status_code == 422


def test_reports_page_shows_both_reports_with_side_panel_filters(app, people):
    import re

    _answered(people, FACT_PROBLEM, rating=5)
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"login": "head", "password": "secret-pass", "csrf_token": token})
    html = client.get("/reports?from=2025-08-01&to=2025-08-31").get_data(as_text=True)
    assert "Общее количество обращений по типу" in html and "Общее количество по категориям" in html
    assert "format=xlsx" in html and "Вопросы бизнеса, связанные с автомобильными дорогами и транспортом" in html
    filtered = client.get("/reports?from=2025-08-01&to=2025-08-31&appeal_type=help").get_data(as_text=True)
    assert "Нет обращений за период." in filtered


def test_report_filters_narrow_the_counts(people):
    _answered(people, FACT_PROBLEM, rating=5)
    people["investor"].file(fact=FACT_CONSULTATION)
    head = people["head"]
    assert head.get("/api/v1/reports/appeals-by-type?from=2025-08-01&to=2025-08-31&org=kdh").get_json()["total"]["count"] == 1
    assert head.get("/api/v1/reports/appeals-by-type?from=2025-08-01&to=2025-08-31&status=on_moderation"
                    ).get_json()["total"]["count"] == 1
