"""The step registry as data (GET /api/v1/steps) and as the deploy lint's reference: a diagram's
`fields=` must agree with it, its steps and actions must be registered (services/steps.py)."""
from __future__ import annotations

import pytest

from services.people import directory
from tests.e2e.test_analyst_deploy import _versions, deploy
from tests.support import PASSWORD, Api, build_world
from tests.unit.test_lint import modified


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


def _step(items: list[dict], name: str) -> dict:
    return next(s for s in items if s["name"] == name)


def test_the_registry_is_served_as_data_in_the_request_language(client):
    analyst = Api(client, "analyst")
    items = analyst.get("/api/v1/steps").get_json()["items"]
    moderation = _step(items, "moderation")
    assert (moderation["title"], moderation["subject_type"], moderation["roles"]) == (
        "Модерация обращения", "appeal", ["moderator"])
    accept = next(a for a in moderation["actions"] if a["name"] == "accept")
    assert accept["label"] == "Принять и передать на исполнение"
    assert accept["fields"][0] == {"name": "executor_org", "type": "org", "required": True,
                                   "label": "Исполняющая организация", "lookup": "executor_orgs"}
    answer = next(a for a in _step(items, "execution")["actions"] if a["name"] == "answer")
    outcome = next(f for f in answer["fields"] if f["name"] == "outcome")
    assert outcome["type"] == "choice" and outcome["required"] is True
    assert outcome["choices"][0] == {"value": "resolved", "label": "Решено"}
    assert {"registration_confirmation", "application", "application_check"} <= {s["name"] for s in items}
    assert "first_response" not in {s["name"] for s in items}  # Moscow's own step, not this pack's
    english = analyst.client.get("/api/v1/steps", headers={**analyst.headers, "Accept-Language": "en"}).get_json()
    accept_en = next(a for a in _step(english["items"], "moderation")["actions"] if a["name"] == "accept")
    assert accept_en["label"] == "Accept and send for execution"
    assert accept_en["fields"][0]["label"] == "Executing organization"
    assert analyst.get("/api/v1/steps?lang=en").get_json() == english


def test_only_analysts_and_admins_read_the_registry(client, ctx):
    directory.add_user(ctx, "admin", PASSWORD, ["admin"], "aerlo")
    assert Api(client, "admin").get("/api/v1/steps").status_code == 200
    assert Api(client, "moderator").get("/api/v1/steps").status_code == 403
    assert client.get("/api/v1/steps").status_code == 401


def test_the_task_form_comes_from_the_registry(client):
    investor = Api(client, "investor")
    appeal = investor.file()
    moderator = Api(client, "moderator")
    task = moderator.task_for(appeal["id"])
    form = moderator.get(f"/api/v1/tasks/{task['id']}").get_json()["form"]
    reject = next(a for a in form["actions"] if a["name"] == "reject")
    assert reject["label"] == "Отклонить"
    assert reject["fields"] == [{"name": "reason", "type": "text", "required": True, "label": "Причина"}]


def test_a_diagram_with_fields_deploys_when_they_agree_with_the_registry(client, ctx):
    agreeing = modified(('name="action:reject" value="status=rejected"',
                         'name="action:reject" value="status=rejected; fields=reason*:text; label=Отклонить"'))
    assert deploy(Api(client, "analyst"), agreeing).status_code == 201
    assert _versions(ctx) == 2


@pytest.mark.parametrize(("old", "new", "element", "words"), [
    ('name="action:reject" value="status=rejected"', 'name="action:reject" value="status=rejected; fields=reason:text"',
     "moderate", "поле 'reason' в реестре — text, обязательное"),
    ('name="action:reject" value="status=rejected"', 'name="action:reject" value="status=rejected; fields=note:text"',
     "moderate", "нет обязательного поля 'reason' (text) в fields="),
    ('<spiffworkflow:property name="org" value="agency_org" />\n          <spiffworkflow:property name="due"',
     '<spiffworkflow:property name="due"', "moderate", "не задана переменная org (или assignee)"),
    ('<spiffworkflow:property name="step" value="moderation" />',
     '<spiffworkflow:property name="step" value="triage" />', "moderate", "шаг 'triage' не зарегистрирован"),
    ('name="action:take" value="status=taken"', 'name="action:grab" value="status=taken"', "take",
     "действие 'grab' не объявлено"),
], ids=["field-not-required", "required-field-missing", "no-org-nor-assignee", "unknown-step", "unknown-action"])
def test_a_diagram_that_disagrees_with_the_registry_is_refused_naming_the_element(client, ctx, old, new, element,
                                                                                  words):
    response = deploy(Api(client, "analyst"), modified((old, new)))
    assert response.status_code == 422, response.get_json()
    problems = response.get_json()["errors"]["file"]
    assert any(p.startswith(f"{element} (строка ") and words in p for p in problems), problems
    assert _versions(ctx) == 1


def test_every_problem_of_a_diagram_comes_back_at_once_in_russian_with_its_element_and_line(client, ctx):
    """Registry problems and convention problems together: each names the element id and its line."""
    xml = modified(('<spiffworkflow:property name="step" value="moderation" />',
                    '<spiffworkflow:property name="step" value="triage" />'),
                   ('name="action:take" value="status=taken"', 'name="action:grab" value="status=taken"'),
                   ('<bpmn:lane id="Lane_head" name="head">', '<bpmn:lane id="Lane_head" name="boss">'),
                   (' default="f_gw_accept"', ''))
    response = deploy(Api(client, "analyst"), xml)
    assert response.status_code == 422
    body = response.get_json()
    problems = body["errors"]["file"]
    text = xml.decode("utf-8")
    for element in ("moderate", "take", "Lane_head", "gw_moderation"):
        [line] = {int(p.split("(строка ")[1].split(")")[0]) for p in problems if p.startswith(f"{element} (строка ")}
        assert line == text[:text.index(f'id="{element}"')].count("\n") + 1
    cyrillic = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
    assert all(cyrillic & set(p.lower().split(":", 1)[1]) for p in problems), problems
    assert cyrillic & set(body["message"].lower())
    assert _versions(ctx) == 1
