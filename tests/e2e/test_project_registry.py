"""The projects registry (issue 6): SQL filters against a hand count, the XLSX of the selection, and the
pages /projects and /projects/<id> (issue 4)."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from tests.onboarding_support import APPLICATION, REGISTRATION, act, build_onboarding_world, onboard
from tests.support import FACT_PROBLEM, PASSWORD, Api

LOGINS = ("investor", "investor2", "deputy", "pm", "pm2", "head", "operator", "moderator", "commissioner")


@pytest.fixture
def people(app, ctx):
    build_onboarding_world(ctx)
    client = app.test_client()
    return {login: Api(client, login) for login in LOGINS}


def _projects(people, clock):
    """Three projects: tria's hotel (pm, tourism), yatek's plant (pm2, pause), and tria's second at МВК."""
    first = onboard(people)["project_id"]
    second_body = {**REGISTRATION, "company_name": "ООО «Ятэк Рус»", "inn": "4716012340", "ogrn": "4701234567898"}
    assert people["investor2"].post("/api/v1/registrations", json=second_body).status_code == 201
    act(people["deputy"], "confirm", manager="pm2")
    act(people["investor2"], "submit", **{**APPLICATION, "name": "Завод металлоконструкций", "okved": "25.11",
                                          "region": "Тосненский район"})
    second = act(people["pm2"], "confirm", source="Иное")["registration"]["project_id"]
    third = onboard(people, name="Логистический центр", okved="52.10")["project_id"]
    people["pm2"].client.patch(f"/api/v1/projects/{second}", headers=people["pm2"].headers, json={"stage": "pause"})
    people["pm"].client.patch(f"/api/v1/projects/{third}", headers=people["pm"].headers, json={"stage": "mvk"})
    clock.advance(days=10)  # site selection (weekly) is stale, МВК (two weeks) and pause (quarterly) are not
    return first, second, third


def test_registry_filters_match_a_hand_count(people, clock):
    first, second, third = _projects(people, clock)
    head = people["head"]

    def ids(query: str) -> list[int]:
        response = head.get(f"/api/v1/registry/projects?{query}")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["total"] == len(body["items"])
        return sorted(p["id"] for p in body["items"])

    assert ids("") == [first, second, third]
    assert ids("stage=pause") == [second] and ids("status=active") == [first, third]
    assert ids("sector=Транспорт и логистика") == [third]
    assert ids("manager=pm") == [first, third] and ids("region=Тосненский район") == [second]
    assert ids("stale=1") == [first] and ids("stale=0") == [second, third]
    assert ids("q=металло") == [second] and ids("q=4716012340") == [second] and ids("q=52.10") == [third]
    assert ids("from=2025-08-18&to=2025-08-18") == [first, second, third] and ids("from=2025-08-19") == []
    bad = head.get("/api/v1/registry/projects?stage=x&stale=maybe&to=31.12.2025")
    assert bad.status_code == 422 and {"stage", "stale", "to"} <= set(bad.get_json()["errors"])
    assert [p["id"] for p in people["investor2"].get("/api/v1/registry/projects").get_json()["items"]] == [second]
    assert people["commissioner"].get("/api/v1/registry/projects").get_json()["total"] == 0


def test_registry_xlsx_has_the_filtered_rows_with_russian_headers(people, clock):
    first, _second, third = _projects(people, clock)
    response = people["head"].get("/api/v1/registry/projects?manager=pm&format=xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    ws = load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == "Реестр проектов" and "manager=pm" in rows[2][1]
    assert rows[3][:4] == ["№", "Проект", "Компания", "ИНН"] and "Стадия" in rows[3]
    body = rows[4:]
    assert [r[0] for r in body] == [first, third]
    assert body[0][1] == APPLICATION["name"] and body[1][12] == "МВК" and body[0][19] == "да" and body[1][19] is None
    assert body[0][8] == 150.5 and ws["Q5"].is_date and ws["S5"].is_date and ws["B2"].is_date
    assert ws.column_dimensions["B"].width == 40


def _login(app, login):
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    renewed = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/projects").get_data(as_text=True))
    return client, renewed.group(1)  # renewed at sign-in


def test_pages_list_filter_and_show_a_project(app, people, clock):
    first, second, _third = _projects(people, clock)
    people["investor"].file(fact=FACT_PROBLEM, project_id=first)
    client, token = _login(app, "head")
    html = client.get("/projects?stage=pause").get_data(as_text=True)
    assert "Завод металлоконструкций" in html and APPLICATION["name"] not in html
    assert client.get("/projects/export.xlsx?stage=pause").data[:2] == b"PK"
    page = client.get(f"/projects/{first}").get_data(as_text=True)
    assert APPLICATION["name"] in page and "История проекта" in page and "Подбор площадки" in page
    assert "Информация устарела" in page and "Обращение №" in page and "Проект принят на сопровождение" in page
    pm, pm_token = _login(app, "pm")
    done = pm.post(f"/projects/{first}/meetings", data={"csrf_token": pm_token, "kind": "meeting", "title": "ВКС",
                                                        "agenda": "Съезд", "planned_at": "2025-08-29T10:00"})
    assert done.status_code == 302
    assert "Протокол или резюме внести до" in pm.get(f"/projects/{first}").get_data(as_text=True)
    assert pm.post(f"/projects/{first}/stage", data={"csrf_token": pm_token, "stage": "mvk"}).status_code == 302
    assert people["pm"].get(f"/api/v1/projects/{first}").get_json()["stage"] == "mvk"
    investor, _ = _login(app, "investor")
    own = investor.get(f"/projects/{first}").get_data(as_text=True)
    assert "Поставить задачу" in own and "Сохранить и отметить актуализацию" not in own
    assert "Завод металлоконструкций" not in investor.get("/projects").get_data(as_text=True)
    other, _ = _login(app, "investor2")
    assert other.get(f"/projects/{first}").status_code == 404


def test_the_deputy_confirms_on_the_task_page(app, people):
    people["investor"].post("/api/v1/registrations", json=REGISTRATION)
    task = people["deputy"].tasks()[0]
    client, token = _login(app, "deputy")
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "Подтвердить регистрацию инвестора и назначить менеджера" in inbox
    page = client.get(f"/tasks/{task['id']}").get_data(as_text=True)
    assert "9704098567" in page and "1027700132195" in page and "Подтвердить и назначить менеджера" in page
    done = client.post(f"/tasks/{task['id']}", data={"csrf_token": token, "action": "confirm", "manager": "pm"})
    assert done.status_code == 302
    assert people["investor"].tasks()[0]["name"] == "file_application"
