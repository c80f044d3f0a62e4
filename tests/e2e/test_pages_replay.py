"""The auditor's replay page (issue 7): step N shows the status, open tasks, data and the path so far."""
from __future__ import annotations

import re

import pytest

from services.people import directory
from tests.support import PASSWORD, Api, build_world


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    directory.add_user(ctx, "tosno_head", PASSWORD, ["head"], "tosno", name="Tosno Head")
    directory.add_user(ctx, "admin", PASSWORD, ["admin"], "aerlo", name="Admin")
    return app.test_client()


def page_as(app, login: str):
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def _state(html: str, bpmn_id: str) -> str:
    svg = html[html.index("<svg"):html.index("</svg>")]
    match = re.search(rf'<g[^>]*data-bpmn-id="{bpmn_id}"[^>]*>', svg)
    assert match, bpmn_id
    return next(c for c in ("done", "current", "todo") if re.search(rf'\b{c}\b', match.group(0)))


@pytest.fixture
def appeal_id(client):
    investor, moderator, manager = (Api(client, login) for login in ("investor", "moderator", "kdh_manager"))
    aid = investor.file()["id"]
    moderator.do(aid, "clarify", question="Уточните адрес")
    investor.do(aid, "reply", text="Тосно, ул. Ленина, 1")
    moderator.do(aid, "accept", executor_org="kdh")
    moderator.post(f"/api/v1/appeals/{aid}/comments", json={"text": "на контроле"})
    manager.do(aid, "take")
    return aid


def test_auditor_steps_through_the_history(app, appeal_id):
    client = page_as(app, "auditor")
    html = client.get(f"/appeals/{appeal_id}/replay?step=2").get_data(as_text=True)
    assert "Шаг 2 из 6" in html and "Воспроизведение совпадает с сохранённым состоянием." in html
    assert "Запрошено уточнение у инвестора" in html  # the status after step 2
    assert "reply_clarification" in html and "<code>question</code>" in html
    assert _state(html, "moderate") == "done" and _state(html, "reply_clarification") == "current"
    assert _state(html, "take") == "todo"
    html = client.get(f"/appeals/{appeal_id}/replay?step=4").get_data(as_text=True)
    assert "Обращение передано на исполнение" in html and "<code>executor_org</code>" in html
    assert _state(html, "take") == "current" and _state(html, "reply_clarification") == "done"
    comment = client.get(f"/appeals/{appeal_id}/replay?step=5").get_data(as_text=True)
    assert "нет (событие вне процесса)" in comment and _state(comment, "take") == "current"
    last = client.get(f"/appeals/{appeal_id}/replay").get_data(as_text=True)
    assert "Шаг 6 из 6" in last and "Обращение взято в работу" in last and _state(last, "work") == "current"
    assert client.get(f"/appeals/{appeal_id}/replay?step=99").status_code == 200, "clamped to the last step"


@pytest.mark.parametrize("login, status", [("auditor", 200), ("admin", 200), ("head", 200), ("tosno_head", 404),
                                           ("moderator", 403), ("kdh_manager", 403), ("investor", 403),
                                           ("analyst", 403)])
def test_replay_page_is_for_auditors_admins_and_heads_who_see_the_appeal(app, appeal_id, login, status):
    response = page_as(app, login).get(f"/appeals/{appeal_id}/replay")
    assert response.status_code == status
    assert ("<svg" in response.get_data(as_text=True)) == (status == 200)


def test_unknown_appeal_is_404_and_anonymous_goes_to_login(app, appeal_id):
    assert page_as(app, "auditor").get("/appeals/999999/replay").status_code == 404
    anonymous = app.test_client().get(f"/appeals/{appeal_id}/replay")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_appeal_page_links_to_the_replay_for_auditors_only(app, appeal_id):
    link = f'href="/appeals/{appeal_id}/replay"'
    assert link in page_as(app, "auditor").get(f"/appeals/{appeal_id}").get_data(as_text=True)
    assert link not in page_as(app, "moderator").get(f"/appeals/{appeal_id}").get_data(as_text=True)
