"""Deploying a DMN (issue 7 gap): API and CLI, versions, the newest version decides the green
corridor (issue 4) — a changed file changes the result without code changes."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.support import Api, build_world
from web.cli import main

DMN = (Path(__file__).resolve().parents[2] / "workflows" / "dmn" / "green_corridor.dmn").read_bytes()
EDGE = {"investment_usd": 10_000_000, "global2000": False, "tech_level": "high", "jobs": 300}  # exactly 1.3


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


def _upload(api: Api, xml: bytes, name: str = "green_corridor.dmn"):
    return api.client.post("/api/v1/process-models", headers=api.headers, data={"file": (io.BytesIO(xml), name)},
                           content_type="multipart/form-data")


def _score(api: Api, **inputs) -> dict:
    response = api.post("/api/v1/green-corridor/score", json={**EDGE, **inputs})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _dmn_versions(api: Api) -> list[int]:
    models = api.get("/api/v1/process-models").get_json()["items"]
    return [v["version"] for m in models if m["process_id"] == "green_corridor" for v in m["versions"]]


def test_a_new_threshold_or_band_in_the_file_changes_the_result(client):
    analyst, investor = Api(client, "analyst"), Api(client, "investor")
    assert _score(investor)["included"] is True and _dmn_versions(analyst) == [1]

    stricter = DMN.replace(b"<text>1.3</text>", b"<text>1.4</text>")
    response = _upload(analyst, stricter)
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["version"], response.get_json()["kind"]) == (2, "dmn")
    result = _score(investor)
    assert (result["score"], result["threshold"], result["included"]) == (1.3, 1.4, False)
    diff = analyst.get("/api/v1/process-models/green_corridor/versions/1/diff/2").get_json()  # rule by rule
    assert (diff["identical"], diff["added"], diff["removed"]) == (False, [], [])
    assert [(c["id"], c["changes"]) for c in diff["changed"]] == [
        ("threshold_r1", [{"aspect": "output:1", "old": "1.3", "new": "1.4"}])]

    wider = stricter.replace(b"300 &lt;= ? &lt; 500", b"250 &lt;= ? &lt; 500").replace(b"&lt; 300", b"&lt; 250")
    assert _upload(analyst, wider).status_code == 201
    assert _score(investor, jobs=260)["points"]["jobs"]["points"] == 1.0
    assert _score(investor, jobs=249)["points"]["jobs"]["points"] == 0.5
    assert _dmn_versions(analyst) == [1, 2, 3]
    assert _upload(analyst, wider).get_json()["version"] == 3  # same content, same version


def test_a_refused_table_changes_nothing_and_lists_its_problems(client):
    analyst, investor = Api(client, "analyst"), Api(client, "investor")
    hostile = DMN.replace(b"<text>1.3</text>", b"<text>open('/etc/passwd')</text>").replace(
        b'hitPolicy="UNIQUE">\n      <input id="jobs', b'hitPolicy="PRIORITY">\n      <input id="jobs')
    response = _upload(analyst, hostile)
    assert response.status_code == 422
    problems = response.get_json()["errors"]["file"]
    assert any(p.startswith("threshold_r1_out (строка ") for p in problems)
    assert any("jobs_points_table" in p and "PRIORITY" in p for p in problems)
    assert _upload(investor, DMN.replace(b"1.3", b"1.0")).status_code == 403
    assert _dmn_versions(analyst) == [1] and _score(investor)["threshold"] == 1.3


def test_koridor_deploy_accepts_a_dmn_file(client, ctx, database_url, tmp_path):
    path = tmp_path / "green_corridor.dmn"
    path.write_bytes(DMN.replace(b"<text>0.15</text>", b"<text>0.20</text>"))
    env = {"KORIDOR_DATABASE_URL": database_url, "KORIDOR_SECRET_KEY": "cli-test", "KORIDOR_PACK": "leningrad"}
    result = CliRunner().invoke(main, ["deploy", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "green_corridor v2" in result.output
    assert _score(Api(client, "investor"))["points"]["jobs"]["weight"] == 0.2

