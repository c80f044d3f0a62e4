"""Seed 003 item 42 through the API: further meetings and the visit's results filled in by hand
while the project is an initiative, and the project's chat among the participants of the process."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine.models import HistoryEvent
from tests import kz_support
from tests.kz_support import PASSPORT, almaty, do, start_project

kz_app, kz = kz_support.kz_app, kz_support.kz  # the Kazakhstan world's fixtures

MEETING = {"date": "2025-03-04", "participants": "аким, инвестор", "subject": "подключение к сетям",
           "agreements": "ТУ до 01.04"}


def put(api, path: str, body) -> tuple[int, dict]:
    response = api.client.put(path, headers=api.headers, json=body)
    return response.status_code, response.get_json()


def test_meetings_and_the_visit_are_added_while_the_project_is_an_initiative(kz, kz_app, clock):
    clock.now = almaty(date(2025, 3, 5))
    pid = start_project(kz, clock)
    url = f"/api/v1/kz/projects/{pid}"
    response = kz["akimat"].post(f"{url}/meetings", json=MEETING)
    assert response.status_code == 201
    meetings = response.get_json()["meetings"]
    assert len(meetings) == 2 and meetings[1] == {**MEETING, "added_by": "akimat",
                                                  "added_at": "2025-03-05T05:00:00+00:00"}
    bad = kz["initiator"].post(f"{url}/meetings", json={"date": "05.03.2025", "subject": "", "extra": 1})
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]) == {"date", "participants", "subject", "agreements", "extra"}
    # Another local executive body, the Chamber and the investor do not write Module 1's cards.
    for login in ("akimat2", "chamber", "investor"):
        assert kz[login].post(f"{url}/meetings", json=MEETING).status_code in (403, 404), login

    assert put(kz["initiator"], f"{url}/visit", {"held_on": "2025-03-10", "outcome": "x"})[0] == 422  # not yet
    status, body = put(kz["initiator"], f"{url}/visit", {"held_on": "2025-03-04", "purpose": "площадка",
                                                          "outcome": "участок 12 га согласован"})
    assert status == 200
    visit = body["visit"]
    assert (visit["held_on"], visit["outcome"], visit["filled_by"]) == ("2025-03-04", "участок 12 га согласован", "initiator")
    assert visit["handover_due"] == "2025-08-20"  # item 39's day of the first visit stays
    project = kz["analyst"].get(url).get_json()
    assert len(project["initiative"]["meetings"]) == 2 and project["initiative"]["visit"] == visit
    with kz_app.extensions["koridor"].db.unit_of_work() as uow:
        actions = set(uow.session.scalars(select(HistoryEvent.action).where(
            HistoryEvent.subject_type == "kz_project", HistoryEvent.subject_id == pid)))
    assert {"meeting_added", "visit_recorded"} <= actions

    do(kz["akimat"], pid, "create_passport", **PASSPORT)  # Module 2 now
    assert kz["akimat"].post(f"{url}/meetings", json=MEETING).status_code == 409
    assert put(kz["akimat"], f"{url}/visit", {"held_on": "2025-03-04", "outcome": "y"})[0] == 409


def test_the_chat_of_a_project(kz, clock):
    clock.now = almaty(date(2025, 3, 5))
    pid = start_project(kz, clock, company_org="steppe")
    url = f"/api/v1/kz/projects/{pid}/messages"
    assert kz["initiator"].post(url, json={"text": "Инвестор просит перенести встречу"}).status_code == 201
    clock.now = almaty(date(2025, 3, 5), 11)
    assert kz["akimat"].post(url, json={"text": "Согласны на 12.03"}).status_code == 201
    assert kz["investor"].post(url, json={"text": "Спасибо"}).status_code == 201
    assert kz["committee"].post(url, json={"text": "Принято к сведению"}).status_code == 201
    assert kz["akimat"].post(url, json={"text": " "}).status_code == 422
    assert kz["akimat"].post(url, json={"text": "x" * 4001}).status_code == 422
    assert kz["akimat2"].post(url, json={"text": "чужой проект"}).status_code == 403
    assert kz["analyst"].post(url, json={"text": "аналитик"}).status_code == 403
    assert kz["stranger"].get(url).status_code == 404
    chat = kz["analyst"].get(url).get_json()
    assert [(m["author"], m["text"]) for m in chat["items"]] == [
        ("initiator", "Инвестор просит перенести встречу"), ("akimat", "Согласны на 12.03"),
        ("investor", "Спасибо"), ("committee", "Принято к сведению")]
    assert chat["items"][1]["created_at"] == "2025-03-05T06:00:00+00:00" and chat["can_write"] is False
    assert kz["akimat"].get(url).get_json()["can_write"] is True

    do(kz["akimat"], pid, "return", reason="нет расчётов")
    do(kz["initiator"], pid, "withdraw", reason="инвестор отказался")
    assert kz["akimat"].post(url, json={"text": "после закрытия"}).status_code == 409
    assert len(kz["akimat"].get(url).get_json()["items"]) == 4
