"""Analysts' pages (issue 7): versions with deploy / diff / migration, and the simulation page;
and the same tools from the `koridor` command line."""
from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from tests.e2e.test_analyst_deploy import RETITLED
from tests.e2e.test_analyst_simulation import problem_in
from tests.e2e.test_pages_staff import Person
from tests.support import Api, build_world
from tests.unit.test_lint import modified
from web.cli import main


@pytest.fixture
def world(app, ctx):
    build_world(ctx)
    return app


def test_models_page_lists_versions_and_deploys_a_diagram(world):
    analyst = Person(world, "analyst")
    html = analyst.html("/analyst/models")
    assert "<h1>Модели процессов</h1>" in html and "v1" in html and 'enctype="multipart/form-data"' in html
    response = analyst.post("/analyst/models", {"file": (io.BytesIO(RETITLED), "appeal.bpmn")},
                            content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    html = analyst.html("/analyst/models")
    assert "v2" in html and "Сравнить версии" in html
    diff = analyst.html("/analyst/models?process=appeal&a=1&b=2")
    assert "property:title" in diff and "Принять обращение к исполнению" in diff
    report = analyst.post("/analyst/models/appeal/migrate", {"to_version": "2", "dry_run": "1"})
    assert report.status_code == 200 and "Перенос на версию 2" in report.get_data(as_text=True)


def test_a_refused_upload_lists_every_problem_on_the_page(world):
    analyst = Person(world, "analyst")
    bad = modified(('<bpmn:lane id="Lane_head" name="head">', '<bpmn:lane id="Lane_head" name="boss">'))
    response = analyst.post("/analyst/models", {"file": (io.BytesIO(bad), "appeal.bpmn")},
                            content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Lane_head (строка " in response.get_data(as_text=True)
    assert "v2" not in analyst.html("/analyst/models")


def test_the_deploy_form_needs_the_csrf_token(world):
    analyst = Person(world, "analyst")
    response = analyst.client.post("/analyst/models", data={"file": (io.BytesIO(RETITLED), "appeal.bpmn")},
                                   content_type="multipart/form-data")
    assert response.status_code == 400


def test_simulation_page_shows_the_report(world, ctx, clock):
    inv = Api(world.test_client(), "investor")
    inv.file()
    analyst = Person(world, "analyst")
    assert 'name="classifier"' in analyst.html("/analyst/simulate")
    response = analyst.post("/analyst/simulate", {"since": "2025-08-01", "until": "2025-08-31",
                                                  "classifier": (io.BytesIO(problem_in(10)), "c.json")},
                            content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Нагрузка на организации" in html
    assert "2025-09-07" in html and "<b>2025-08-28</b>" in html
    response = analyst.post("/analyst/simulate", {"since": ""})
    assert response.status_code == 422


@pytest.mark.parametrize("login", ["investor", "moderator", "auditor"])
@pytest.mark.parametrize("path", ["/analyst/models", "/analyst/simulate"])
def test_analyst_pages_are_for_analysts_and_admins(world, login, path):
    Person(world, login).html(path, status=403)


def test_analyst_commands(world, ctx, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("KORIDOR_DATABASE_URL", database_url)
    monkeypatch.setenv("KORIDOR_PACK", "leningrad")
    monkeypatch.setenv("KORIDOR_SECRET_KEY", "test-secret")
    diagram = tmp_path / "appeal.bpmn"
    diagram.write_bytes(RETITLED)
    runner = CliRunner()
    result = runner.invoke(main, ["deploy", str(diagram)])
    assert result.exit_code == 0 and "appeal v2" in result.output, result.output
    result = runner.invoke(main, ["diff", "appeal", "1", "2"])
    assert result.exit_code == 0 and "~ task take" in result.output and "property:title" in result.output
    result = runner.invoke(main, ["migrate", "appeal", "--to", "2", "--dry-run"])
    assert result.exit_code == 0 and "Итого: 0" in result.output, result.output
    classifier = tmp_path / "c.json"
    classifier.write_bytes(problem_in(10))
    result = runner.invoke(main, ["simulate", "--since", "2025-08-01", "--classifier", str(classifier), str(diagram)])
    assert result.exit_code == 0 and "обращений 0" in result.output, result.output
    bad = tmp_path / "bad.bpmn"
    bad.write_bytes(modified(('name="action:reject" value="status=rejected"', 'name="action:reject" value="status=binned"')))
    result = runner.invoke(main, ["deploy", str(bad)])
    assert result.exit_code == 2 and "moderate (строка " in result.output
