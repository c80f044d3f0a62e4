"""Each user's in-app notifications: the API (own only, unread first, read, read-all) and the page with
the unread count in the navigation."""
from __future__ import annotations

import re

import pytest

from tests.support import PASSWORD, Api, build_world

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


@pytest.fixture
def people(client):
    return {login: Api(client, login) for login in ("investor", "investor2", "moderator", "kdh_manager", "head")}


def _three_for_the_investor(people) -> int:
    inv, mod = people["investor"], people["moderator"]
    aid = inv.file()["id"]  # appeal received
    mod.do(aid, "clarify", question="Уточните адрес")  # clarification asked
    inv.do(aid, "reply", text="Тосно, ул. Советская, 1")
    mod.do(aid, "accept", executor_org="kdh", manager="kdh_manager")
    people["kdh_manager"].do(aid, "take")
    people["kdh_manager"].do(aid, "answer", text="Ответ", outcome="resolved")
    people["head"].do(aid, "approve")  # answer ready
    return aid


def test_own_notifications_unread_first_and_marked_read(people, clock):
    inv = people["investor"]
    aid = _three_for_the_investor(people)
    body = inv.get("/api/v1/notifications").get_json()
    assert body["unread"] == 3
    assert [n["event"] for n in body["items"]] == ["answer_ready", "clarification", "appeal_received"]
    first = body["items"][-1]
    assert first["appeal_id"] == aid and first["appeal_number"] == aid and first["read"] is False
    assert first["text"].startswith(f"Обращение №{aid} зарегистрировано, срок ответа ")

    clock.advance(minutes=5)
    read = inv.post(f"/api/v1/notifications/{first['id']}/read").get_json()
    assert read["read_at"] == clock().isoformat()
    assert inv.post(f"/api/v1/notifications/{first['id']}/read").get_json()["read_at"] == read["read_at"]
    body = inv.get("/api/v1/notifications").get_json()
    assert body["unread"] == 2 and [n["read"] for n in body["items"]] == [False, False, True], "unread first"
    unread = inv.get("/api/v1/notifications?unread=1").get_json()["items"]
    assert {n["event"] for n in unread} == {"answer_ready", "clarification"}

    assert people["investor2"].post(f"/api/v1/notifications/{first['id']}/read").status_code == 404
    assert people["investor2"].get("/api/v1/notifications").get_json() == {"items": [], "unread": 0}
    assert inv.post("/api/v1/notifications/read-all").get_json() == {"marked": 2}
    assert inv.get("/api/v1/notifications?unread=1").get_json() == {"items": [], "unread": 0}
    assert inv.post("/api/v1/notifications/999999/read").status_code == 404
    assert inv.client.get("/api/v1/notifications").status_code == 401


def _browser(app, login: str):
    browser = app.test_client()
    token = CSRF.search(browser.get("/login").get_data(as_text=True)).group(1)
    assert browser.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return browser


def test_the_page_lists_them_and_the_navigation_counts_the_unread(app, people):
    aid = _three_for_the_investor(people)
    browser = _browser(app, "investor")
    cabinet = browser.get("/cabinet").get_data(as_text=True)
    assert re.search(r'Уведомления\s*<span class="badge"[^>]*>3</span>', cabinet)
    page = browser.get("/notifications").get_data(as_text=True)
    assert f"Получен ответ на обращение №{aid}" in page and f'href="/appeals/{aid}"' in page
    assert page.count('class="card notification unread"') == 3
    token = CSRF.search(page).group(1)
    [first] = re.findall(r'action="/notifications/(\d+)/read"', page)[:1]
    assert browser.post(f"/notifications/{first}/read", data={"csrf_token": token}).status_code == 302
    page = browser.get("/notifications?unread=1").get_data(as_text=True)
    assert page.count('class="card notification unread"') == 2
    assert browser.post("/notifications/read-all", data={"csrf_token": token}).status_code == 302
    page = browser.get("/notifications").get_data(as_text=True)
    assert "notification unread" not in page and 'class="badge"' not in page.split("</nav>")[0]
    staff = _browser(app, "kdh_manager").get("/inbox").get_data(as_text=True)
    assert 'href="/notifications"' in staff, "staff see «Уведомления» too"
    assert browser.post(f"/notifications/{first}/read", data={}).status_code == 400, "CSRF required"
