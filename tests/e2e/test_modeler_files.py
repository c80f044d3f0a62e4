"""Files in and out of the modeler through the API: download a version, deploy what bpmn-js saved, and an
unchanged round trip makes no version (issue 13)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_analyst_deploy import deploy
from tests.support import Api, build_world

SAVED = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn_js"


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


def _current(api: Api) -> int:
    [appeal] = [m for m in api.get("/api/v1/process-models").get_json()["items"] if m["process_id"] == "appeal"]
    return appeal["current_version"]


def test_a_version_downloads_as_deployed_for_analysts_and_auditors_only(client):
    analyst = Api(client, "analyst")
    version = _current(analyst)
    response = analyst.get(f"/api/v1/process-models/appeal/versions/{version}/source")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert f'filename="appeal-v{version}.bpmn"' in response.headers["Content-Disposition"]
    shipped = (Path(__file__).resolve().parents[2] / "workflows" / "bpmn" / "appeal.bpmn").read_bytes()
    assert response.data == shipped
    assert Api(client, "auditor").get(f"/api/v1/process-models/appeal/versions/{version}/source").status_code == 200
    assert Api(client, "moderator").get(f"/api/v1/process-models/appeal/versions/{version}/source").status_code == 403
    missing = analyst.get("/api/v1/process-models/appeal/versions/99/source")
    assert missing.status_code == 404 and "99" in missing.get_json()["message"]


def test_an_unchanged_round_trip_makes_no_version_and_says_so(client):
    analyst = Api(client, "analyst")
    before = _current(analyst)
    response = deploy(analyst, (SAVED / "appeal_round_trip.bpmn").read_bytes())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["created"] is False and body["version"] == before
    assert "новая версия не создана" in body["message"]
    assert _current(analyst) == before


def test_the_file_bpmn_js_saved_after_moving_tasks_deploys_and_routes_as_before(client):
    analyst = Api(client, "analyst")
    before = _current(analyst)
    response = deploy(analyst, (SAVED / "appeal_execution_moved.bpmn").read_bytes())
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["created"] is True and response.get_json()["version"] == before + 1
    aid = Api(client, "investor").file()["id"]
    Api(client, "moderator").do(aid, "accept", executor_org="kdh")
    kdh = Api(client, "kdh_manager")
    assert kdh.task_for(aid)["name"] == "take"  # the manager's, not the head's the sub-process is listed in
    kdh.do(aid, "take")
    kdh.do(aid, "answer", text="Готово", outcome="resolved")
    assert Api(client, "head").task_for(aid)["name"] == "approve_answer"
