"""Absences and substitutes through the API and the pages: routing of new tasks, bulk handover,
"on behalf of" in the history, notifications to both, and the validation of an absence."""
from __future__ import annotations

import re

import pytest

from engine.replay import replay_instance
from services.audit import verify_history
from services.models import Appeal
from services.people import directory
from tests.support import PASSWORD, Api, build_world

ABSENCES = "/api/v1/users/me/absences"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    directory.add_user(ctx, "admin", PASSWORD, ["admin"], "aerlo", name="Admin")
    return app.test_client()


@pytest.fixture
def people(client):
    return {login: Api(client, login) for login in
            ("investor", "moderator", "head", "tosno_manager", "tosno_manager2", "kdh_manager", "admin")}


def _accept(people, manager="tosno_manager") -> int:
    aid = people["investor"].file()["id"]
    people["moderator"].do(aid, "accept", executor_org="tosno", manager=manager)
    return aid


def _away(api: Api, substitute="tosno_manager2", starts="2025-08-18", ends="2025-08-29", expect=201) -> dict:
    response = api.post(ABSENCES, json={"starts_on": starts, "ends_on": ends, "substitute": substitute,
                                        "note": "отпуск"})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def test_a_new_task_of_someone_away_goes_to_the_substitute_who_acts_on_their_behalf(people, clock):
    owner, sub = people["tosno_manager"], people["tosno_manager2"]
    absence = _away(owner)
    assert absence["active"] and absence["starts_on"] == "2025-08-18" and absence["substitute"] == "tosno_manager2"
    aid = _accept(people)
    assert owner.tasks() == []
    notices = sub.get("/api/v1/notifications").get_json()["items"]
    assert [n["event"] for n in notices] == ["task_assigned"], "one notice for the task routed, not two"
    assert sub.get("/api/v1/notifications").get_json()["items"][0]["text"] == \
        f"Обращение №{aid} передано вам (вы замещаете: Tosno_Manager)"
    [task] = sub.tasks()
    assert task["appeal_id"] == aid and task["assignee"] == "tosno_manager2" and task["on_behalf_of"] == "tosno_manager"

    sub.do(aid, "take")
    view = sub.get(f"/api/v1/appeals/{aid}").get_json()
    assert view["roles"]["manager"]["login"] == "tosno_manager", "the appeal stays the absent manager's"
    [task] = sub.tasks()  # the next step is the owner's again, so it is routed again
    assert task["name"] == "work" and task["on_behalf_of"] == "tosno_manager"
    sub.do(aid, "answer", text="Ответ подготовлен замещающим", outcome="resolved")

    history = people["moderator"].get(f"/api/v1/appeals/{aid}/history").get_json()["items"]  # a draft: staff only
    acted = [(h["actor"], h["action"], h["on_behalf_of"]) for h in history]
    assert ("tosno_manager2", "take", "tosno_manager") in acted
    assert ("tosno_manager2", "answer", "tosno_manager") in acted
    assert ("moderator", "accept", None) in acted

    def texts(api):
        return [(n["event"], n["text"]) for n in api.get("/api/v1/notifications").get_json()["items"]]

    assert ("task_assigned", f"Обращение №{aid} передано вам") in texts(owner), "the absent user still hears"
    copies = [t for e, t in texts(sub) if e == "task_assigned"]
    assert any("вы замещаете: Tosno_Manager" in t for t in copies)


def test_the_absence_ending_sends_new_tasks_to_the_owner_again(people, clock):
    _away(people["tosno_manager"], ends="2025-08-19")
    clock.advance(days=2)  # 20.08: back at work
    aid = _accept(people)
    assert [t["appeal_id"] for t in people["tosno_manager"].tasks()] == [aid]
    assert people["tosno_manager2"].tasks() == []


def test_open_tasks_are_handed_over_in_bulk_and_come_back_when_the_absence_is_cancelled(app, ctx, people, client):
    owner, sub = people["tosno_manager"], people["tosno_manager2"]
    first, second = _accept(people), _accept(people)
    assert {t["appeal_id"] for t in owner.tasks()} == {first, second}
    absence = _away(owner)
    assert {t["appeal_id"] for t in owner.tasks()} == {first, second}, "tasks already open stay until handed over"
    result = owner.post(f"{ABSENCES}/{absence['id']}/handover").get_json()
    assert len(result["tasks"]) == 2 and result["substitute"] == "tosno_manager2"
    assert owner.tasks() == [] and {t["on_behalf_of"] for t in sub.tasks()} == {"tosno_manager"}
    assert owner.post(f"{ABSENCES}/{absence['id']}/handover").get_json()["tasks"] == [], "twice is harmless"
    for aid in (first, second):  # one history event per appeal, and only for the handover that moved tasks
        history = people["moderator"].get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
        [event] = [h for h in history if h["action"] == "tasks_handed_over"]
        assert event["actor"] == "tosno_manager" and event["data"]["from"] == "tosno_manager"
        assert event["data"]["to"] == "tosno_manager2" and len(event["data"]["tasks"]) == 1
        assert set(event["data"]["tasks"]) <= set(result["tasks"])
    assert verify_history(ctx).ok, "the events are on the appeals' hash chains"
    with ctx.db.unit_of_work() as uow:
        for aid in (first, second):
            instance_id = uow.session.get(Appeal, aid).instance_id
            assert replay_instance(uow.session, ctx.engine, instance_id).matches, "replay passes over the event"
    browser = app.test_client()
    token = CSRF.search(browser.get("/login").get_data(as_text=True)).group(1)
    browser.post("/login", data={"login": "moderator", "password": PASSWORD, "csrf_token": token})
    html = browser.get(f"/appeals/{first}").get_data(as_text=True)
    assert "Задачи переданы замещающему" in html and "Кому переданы" in html and "Tosno_Manager2" in html

    sub.do(first, "take")
    cancelled = owner.client.delete(f"{ABSENCES}/{absence['id']}", headers=owner.headers).get_json()
    assert cancelled["tasks_returned"] == 2
    assert {t["appeal_id"] for t in owner.tasks()} == {first, second} and sub.tasks() == []
    for aid in (first, second):  # the way back is in the history too
        history = people["moderator"].get(f"/api/v1/appeals/{aid}/history").get_json()["items"]
        [event] = [h for h in history if h["action"] == "tasks_returned"]
        assert (event["actor"], event["data"]["from"], event["data"]["to"]) == (
            "tosno_manager", "tosno_manager2", "tosno_manager")
    assert verify_history(ctx).ok
    assert owner.get(ABSENCES).get_json()["items"] == []


def test_an_admin_hands_over_for_a_user_and_others_may_not(people):
    absence = _away(people["tosno_manager"])
    _accept(people)  # routed already
    path = f"/api/v1/users/tosno_manager/absences/{absence['id']}/handover"
    assert people["kdh_manager"].post(path).status_code == 403
    assert people["kdh_manager"].get("/api/v1/users/tosno_manager/absences").status_code == 403
    assert people["admin"].post(path).status_code == 200
    listed = people["admin"].get("/api/v1/users/tosno_manager/absences").get_json()
    assert [a["id"] for a in listed["items"]] == [absence["id"]]
    covering = people["tosno_manager2"].get(ABSENCES).get_json()["covering"]
    assert [a["login"] for a in covering] == ["tosno_manager"]
    assert people["tosno_manager2"].post(f"{ABSENCES}/{absence['id']}/handover").status_code == 404


BAD = [
    ({"starts_on": "2025-08-20", "ends_on": "2025-08-19", "substitute": "tosno_manager2"}, "ends_on"),
    ({"starts_on": "2025-08-01", "ends_on": "2025-08-10", "substitute": "tosno_manager2"}, "ends_on"),
    ({"starts_on": "20.08.2025", "ends_on": "2025-08-29", "substitute": "tosno_manager2"}, "starts_on"),
    ({"ends_on": "2025-08-29", "substitute": "tosno_manager2"}, "starts_on"),
    ({"starts_on": "2025-08-20", "ends_on": "2025-08-29"}, "substitute"),
    ({"starts_on": "2025-08-20", "ends_on": "2025-08-29", "substitute": "nobody"}, "substitute"),
    ({"starts_on": "2025-08-20", "ends_on": "2025-08-29", "substitute": "tosno_manager"}, "substitute"),
    ({"starts_on": "2025-08-20", "ends_on": "2025-08-29", "substitute": "kdh_manager"}, "substitute"),
]


def test_a_bad_or_overlapping_absence_is_422_naming_the_field(people):
    for body, field in BAD:  # one world for all the cases (setting one up costs seconds on PostgreSQL)
        response = people["tosno_manager"].post(ABSENCES, json=body)
        assert response.status_code == 422 and field in response.get_json()["errors"], (body, response.get_json())
    assert people["tosno_manager"].get(ABSENCES).get_json()["items"] == []
    _away(people["tosno_manager"])  # and a second period overlapping the first
    response = people["tosno_manager"].post(ABSENCES, json={"starts_on": "2025-08-29", "ends_on": "2025-09-05",
                                                            "substitute": "tosno_manager2"})
    assert response.status_code == 422 and "18.08.2025" in response.get_json()["errors"]["starts_on"][0]


def test_the_absence_page_records_an_absence_and_the_history_shows_on_behalf_of(app, people):
    browser = app.test_client()
    token = CSRF.search(browser.get("/login").get_data(as_text=True)).group(1)
    browser.post("/login", data={"login": "tosno_manager", "password": PASSWORD, "csrf_token": token})
    page = browser.get("/profile/absences").get_data(as_text=True)
    assert "Отсутствие и замещение" in page and 'value="tosno_manager2"' in page and 'value="kdh_manager"' not in page
    token = CSRF.search(page).group(1)
    bad = browser.post("/profile/absences", data={"starts_on": "2025-08-20", "ends_on": "2025-08-19",
                                                   "substitute": "tosno_manager2", "csrf_token": token})
    assert bad.status_code == 422 and "не раньше даты начала" in bad.get_data(as_text=True)
    ok = browser.post("/profile/absences", data={"starts_on": "2025-08-18", "ends_on": "2025-08-29",
                                                  "substitute": "tosno_manager2", "csrf_token": token})
    assert ok.status_code == 302
    assert "29.08.2025" in browser.get("/profile/absences").get_data(as_text=True)
    aid = _accept(people)
    people["tosno_manager2"].do(aid, "take")
    moderator = app.test_client()
    token = CSRF.search(moderator.get("/login").get_data(as_text=True)).group(1)
    moderator.post("/login", data={"login": "moderator", "password": PASSWORD, "csrf_token": token})
    html = moderator.get(f"/appeals/{aid}").get_data(as_text=True)
    assert "за отсутствующего: Tosno_Manager" in html
