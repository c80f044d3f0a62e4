"""The appeals registry: SQL filters checked against a hand count, and the XLSX of the selection."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.support import FACT_CONSULTATION, FACT_PROBLEM, Api, build_world


@pytest.fixture
def people(app, ctx):
    build_world(ctx)
    client = app.test_client()
    return {login: Api(client, login) for login in ("investor", "moderator", "head", "operator", "investor2")}


def _data(people, clock):
    inv, mod = people["investor"], people["moderator"]
    a = inv.file(fact=FACT_PROBLEM, subject="Съезд на дорогу")["id"]
    mod.do(a, "accept", executor_org="kdh")
    inv.file(fact=FACT_CONSULTATION, subject="Свободные участки")
    body = {"fact": FACT_CONSULTATION, "subject": "Звонок", "description": "d", "channel": "phone",
            "company": {"name": "ООО «Новая»", "inn": "7840123459"}}
    assert people["operator"].post("/api/v1/appeals", json=body).status_code == 201
    clock.advance(days=6)
    return a


def test_registry_filters_match_a_hand_count(people, clock):
    a = _data(people, clock)
    head = people["head"]

    def total(query: str) -> int:
        response = head.get(f"/api/v1/registry/appeals?{query}")
        assert response.status_code == 200, response.get_json()
        return response.get_json()["total"]

    assert total("") == 3
    assert total("appeal_type=consultation") == 2
    assert total("org=kdh") == 1 and total("channel=phone") == 1
    assert total("overdue=1") == 2 and total("overdue=0") == 1  # both consultations are past 5 days
    assert total("q=участки") == 1 and total("q=7840123459") == 1
    assert total("from=2025-08-19") == 0 and total("to=2025-08-18") == 3
    items = head.get("/api/v1/registry/appeals?org=kdh").get_json()["items"]
    assert [i["id"] for i in items] == [a]
    bad = head.get("/api/v1/registry/appeals?overdue=maybe&from=x")
    assert bad.status_code == 422 and {"overdue", "from"} <= set(bad.get_json()["errors"])
    assert people["investor2"].get("/api/v1/registry/appeals").get_json()["total"] == 0


def test_registry_xlsx_has_the_filtered_rows_with_russian_headers(people, clock):
    _data(people, clock)
    response = people["head"].get("/api/v1/registry/appeals?appeal_type=consultation&format=xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "Реестр обращений" and "appeal_type=consultation" in rows[2][1]
    assert rows[3][:4] == ["№", "Создано", "Тема", "Организация"]
    assert len(rows) == 4 + 2 and {r[2] for r in rows[4:]} == {"Свободные участки", "Звонок"}
    assert ws["B5"].is_date and ws["J5"].is_date


def test_registry_page_filters_and_downloads(app, people, clock):
    _data(people, clock)
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"login": "head", "password": "secret-pass", "csrf_token": token})
    html = client.get("/appeals?channel=phone").get_data(as_text=True)
    assert "Звонок" in html and "Свободные участки" not in html
    download = client.get("/appeals/export.xlsx?channel=phone")
    assert download.status_code == 200 and download.data[:2] == b"PK"
