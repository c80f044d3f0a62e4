"""The modeler page's JSON routes (issue 13): the session and its CSRF header, analysts only, lint without
storing, deploy, diff and the migration dry run; the page without the bundle says so."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_pages_staff import Person
from tests.support import build_world
from tests.unit.test_lint import APPEAL, modified
from web.pages import modeler_page

XML = {"Content-Type": "application/xml"}


@pytest.fixture
def world(app, ctx):
    build_world(ctx)
    return app


def _post(person: Person, path: str, body: bytes = b"", csrf: bool = True):
    headers = dict(XML, **({"X-CSRF-Token": person.csrf} if csrf else {}))
    return person.client.post(path, data=body, headers=headers)


def test_the_context_serves_the_registry_the_roles_names_and_the_versions(world):
    body = Person(world, "analyst").get("/analyst/modeler/context.json").get_json()
    assert {"moderation", "take", "execution", "approval"} <= {s["name"] for s in body["steps"]}
    assert body["roles"]["head"] == "Руководитель" and body["roles"]["manager"] == "Менеджер"
    assert "appeal" in {m["process_id"] for m in body["models"]}
    source = Person(world, "analyst").get("/analyst/modeler/source/appeal/1")
    assert source.status_code == 200 and source.mimetype == "application/xml"


def test_lint_stores_nothing_and_answers_in_russian_naming_the_element(world):
    analyst = Person(world, "analyst")
    ok = _post(analyst, "/analyst/modeler/lint", APPEAL.encode())
    assert ok.status_code == 200 and ok.get_json()["ok"] is True
    bad = _post(analyst, "/analyst/modeler/lint", modified(('<spiffworkflow:property name="step" value="moderation" />',
                                                            '<spiffworkflow:property name="step" value="triage" />')))
    assert bad.status_code == 422
    [problem] = bad.get_json()["errors"]["file"]
    assert problem.startswith("moderate (строка ") and "шаг 'triage' не зарегистрирован" in problem
    versions = analyst.get("/analyst/modeler/context.json").get_json()["models"]
    assert [m["current_version"] for m in versions if m["process_id"] == "appeal"] == [1]


def test_deploy_then_diff_and_the_dry_run_from_the_same_page(world):
    analyst = Person(world, "analyst")
    retitled = modified(('value="Взять обращение в работу"', 'value="Принять обращение к исполнению"'))
    same = _post(analyst, "/analyst/modeler/deploy?filename=appeal.bpmn", APPEAL.encode()).get_json()
    assert same["created"] is False and same["version"] == 1
    deployed = _post(analyst, "/analyst/modeler/deploy?filename=appeal.bpmn", retitled)
    assert deployed.status_code == 200 and deployed.get_json()["version"] == 2
    diff = analyst.get("/analyst/modeler/diff/appeal/1/2").get_json()
    assert [c["aspect"] for item in diff["changed"] for c in item["changes"]] == ["property:title"]
    report = _post(analyst, "/analyst/modeler/migrate/appeal/2").get_json()
    assert report["dry_run"] is True and report["to_version"] == 2


def test_posts_need_the_csrf_header_and_the_routes_are_for_analysts(world):
    analyst = Person(world, "analyst")
    assert _post(analyst, "/analyst/modeler/deploy", APPEAL.encode(), csrf=False).status_code == 400
    moderator = Person(world, "moderator")
    assert moderator.get("/analyst/modeler").status_code == 403
    assert moderator.get("/analyst/modeler/context.json").status_code == 403
    assert _post(moderator, "/analyst/modeler/lint", APPEAL.encode()).status_code == 403


def test_the_page_loads_only_local_files_and_says_when_the_modeler_is_not_installed(world, monkeypatch):
    analyst = Person(world, "analyst")
    monkeypatch.setattr(modeler_page, "BUNDLE", Path(__file__).with_name("nowhere.js"))
    html = analyst.html("/analyst/modeler")
    assert "Редактор схем не установлен" in html and "modeler.js" not in html
    monkeypatch.setattr(modeler_page, "BUNDLE", Path(__file__))  # any file that exists
    html = analyst.html("/analyst/modeler")
    assert '<script src="/static/modeler/modeler.js" defer></script>' in html
    assert "<script>" not in html and "https://" not in html
