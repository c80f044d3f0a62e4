"""Who may call what: roles × endpoints, tokens, process-model deployment."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.support import Api, build_world

APPEAL_BPMN = (Path(__file__).resolve().parents[2] / "workflows" / "bpmn" / "appeal.bpmn").read_bytes()
ENDPOINTS = [("get", "/api/v1/classifier"), ("post", "/api/v1/classifier/deadline"), ("get", "/api/v1/appeals"),
             ("post", "/api/v1/appeals"), ("get", "/api/v1/appeals/1"), ("get", "/api/v1/appeals/1/history"),
             ("post", "/api/v1/appeals/1/comments"), ("get", "/api/v1/appeals/1/export.docx"),
             ("get", "/api/v1/tasks"), ("get", "/api/v1/tasks/1"), ("post", "/api/v1/tasks/1/complete"),
             ("post", "/api/v1/green-corridor/score"), ("get", "/api/v1/process-models"),
             ("post", "/api/v1/process-models")]


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


@pytest.mark.parametrize("method, path", ENDPOINTS)
@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc"])
def test_every_endpoint_needs_a_valid_token(client, method, path, header):
    headers = {"Authorization": header} if header else {}
    response = getattr(client, method)(path, headers=headers, json={})
    assert response.status_code == 401
    assert response.get_json()["code"] == "unauthorized"


def test_wrong_password_is_401_and_does_not_say_which_part(client):
    response = client.post("/api/v1/auth/token", json={"login": "investor", "password": "wrong-one"})
    assert response.status_code == 401
    assert client.post("/api/v1/auth/token", json={"login": "nobody", "password": "x"}).get_json()["message"] == \
        response.get_json()["message"]
    assert client.post("/api/v1/auth/token", json={"login": "investor"}).status_code == 422


@pytest.mark.parametrize("login, status", [("investor", 201), ("operator", 201), ("moderator", 403),
                                           ("kdh_manager", 403), ("head", 403), ("auditor", 403), ("analyst", 403)])
def test_only_investors_and_operators_file_appeals(client, login, status):
    api = Api(client, login)
    body = {"fact": "land.site_selection.free_plots_list", "subject": "s", "description": "d",
            "company": {"name": "ООО «ТриА Девелопмент»", "inn": "9704098567"}}
    assert api.post("/api/v1/appeals", json=body).status_code == status


@pytest.mark.parametrize("login, expected", [("moderator", 200), ("kdh_manager", 403), ("head", 403)])
def test_a_moderation_task_needs_the_moderator_role_in_its_organisation(client, login, expected):
    inv = Api(client, "investor")
    aid = inv.file()["id"]
    task_id = Api(client, "moderator").task_for(aid)["id"]
    api = Api(client, login)
    response = api.post(f"/api/v1/tasks/{task_id}/complete", json={"action": "accept", "executor_org": "kdh"})
    # head is in the agency (same organisation, wrong role): 403; kdh is another organisation: 404
    assert response.status_code == {"moderator": 200, "kdh_manager": 404, "head": 403}[login]


def test_auditor_sees_every_appeal_and_its_history_but_no_tasks(client):
    aid = Api(client, "investor").file()["id"]
    auditor = Api(client, "auditor")
    assert auditor.get(f"/api/v1/appeals/{aid}").status_code == 200
    assert auditor.get(f"/api/v1/appeals/{aid}/history").status_code == 200
    assert auditor.tasks() == []


def test_analyst_deploys_a_new_version_and_others_may_not(client):
    analyst, investor = Api(client, "analyst"), Api(client, "investor")
    changed = APPEAL_BPMN.replace('value="Модерация обращения"'.encode(), 'value="Модерация (v2)"'.encode(), 1)
    assert changed != APPEAL_BPMN
    upload = {"file": (io.BytesIO(changed), "appeal.bpmn")}
    assert investor.client.post("/api/v1/process-models", headers=investor.headers, data=upload,
                                content_type="multipart/form-data").status_code == 403
    upload = {"file": (io.BytesIO(changed), "appeal.bpmn")}
    response = analyst.client.post("/api/v1/process-models", headers=analyst.headers, data=upload,
                                   content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == 2
    models = analyst.get("/api/v1/process-models").get_json()["items"]
    assert [(m["process_id"], m["current_version"], len(m["versions"])) for m in models
            if m["kind"] == "bpmn"] == [("appeal", 2, 2), ("onboarding", 1, 1)]  # Leningrad also runs onboarding


def test_a_refused_diagram_gets_422_listing_problems_and_a_huge_one_413(client):
    analyst = Api(client, "analyst")
    broken = APPEAL_BPMN.replace(b"action == 'reject'", b"open('/etc/passwd')")
    response = analyst.client.post("/api/v1/process-models", headers=analyst.headers,
                                   data={"file": (io.BytesIO(broken), "appeal.bpmn")}, content_type="multipart/form-data")
    assert response.status_code == 422 and response.get_json()["errors"]["file"]
    huge = b"<x>" + b" " * (3 * 1024 * 1024) + b"</x>"
    response = analyst.client.post("/api/v1/process-models", headers=analyst.headers,
                                   data={"file": (io.BytesIO(huge), "big.bpmn")}, content_type="multipart/form-data")
    assert response.status_code == 413
    response = analyst.client.post("/api/v1/process-models", headers=analyst.headers, data={},
                                   content_type="multipart/form-data")
    assert response.status_code == 400


def test_openapi_document_lists_the_contract(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/auth/token", "/api/v1/appeals", "/api/v1/appeals/{appeal_id}/history",
                 "/api/v1/tasks/{task_id}/complete", "/api/v1/classifier/deadline", "/api/v1/process-models"):
        assert path in doc["paths"]
    assert {"id", "number", "status", "deadline", "overdue", "roles", "rework_count"} <= set(
        doc["components"]["schemas"]["AppealOut"]["properties"])


def test_green_corridor_scoring_and_its_validation(client):
    api = Api(client, "investor")
    response = api.post("/api/v1/green-corridor/score",
                        json={"investment_usd": 60_000_000, "global2000": True, "tech_level": "high", "jobs": 600})
    body = response.get_json()
    assert response.status_code == 200 and body["included"] and body["threshold"] == 1.3
    assert api.post("/api/v1/green-corridor/score", json={"investment_usd": -1, "global2000": "x",
                                                          "tech_level": "wow", "jobs": 1}).status_code == 422


def test_deadline_preview_follows_the_seed_example(client):
    api = Api(client, "investor")
    response = api.post("/api/v1/classifier/deadline", json={"fact": "roads.junction.technical_conditions_dispute",
                                                             "received_at": "2025-02-21T12:47:00+03:00"})
    assert response.status_code == 200
    assert response.get_json()["deadline"] == "2025-03-13" and response.get_json()["appeal_type"] == "problem"
    facts = [f for c in api.get("/api/v1/classifier").get_json()["categories"] for s in c["subcategories"]
             for f in s["facts"]]
    assert any(f["name"] == "Необходима информация о свободных земельных участках (в виде списка)" for f in facts)
    assert all({"code", "name", "appeal_type", "sla"} <= set(f) for f in facts)
