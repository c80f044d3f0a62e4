"""Seed 003 items 57–60, the prosecutor's filter, through the API: a state body sends a measure
against a project's investor to a prosecutor's office (regional for a local body, the General
Prosecutor's Office for a central one); only that office approves or refuses it."""
from __future__ import annotations

from datetime import date

import pytest

from services.models import User
from services.people import directory
from tests import kz_support
from tests.e2e.test_pages_staff import Person
from tests.kz_support import PASSPORT, almaty, do, start_project

kz_app, kz = kz_support.kz_app, kz_support.kz  # the Kazakhstan world's fixtures


@pytest.fixture
def offices(kz_app):
    ctx = kz_app.extensions["koridor"]
    directory.add_org(ctx, "prok_alm", "Прокуратура Алматинской области", "prosecutor", None)
    directory.add_org(ctx, "genprok", "Генеральная прокуратура Республики Казахстан", "prosecutor", None)
    with ctx.db.unit_of_work() as uow:
        hash_ = uow.session.query(User.password_hash).filter(User.login == "akimat").scalar()
        uow.session.add_all(User(login=login, password_hash=hash_, name=login, email=f"{login}@example.kz",
                                 org_code=org, roles="prosecutor") for login, org in (("prok", "prok_alm"),
                                                                                      ("genprok", "genprok")))
        uow.commit()


MEASURE = {"measure": "suspend_permit", "act": "Приказ о приостановлении разрешения на эмиссии",
           "justification": "превышение нормативов выбросов", "prosecutor_org": "prok_alm"}


def notices(api, event: str) -> list[str]:
    return [n["text"] for n in api.get("/api/v1/notifications").get_json()["items"] if n["event"] == event]


def test_a_local_body_measure_goes_to_the_regional_office(kz, offices, clock):
    clock.now = almaty(date(2025, 3, 5))
    pid = start_project(kz, clock)
    do(kz["akimat"], pid, "create_passport", **PASSPORT)
    url = f"/api/v1/kz/projects/{pid}/prosecutor-cases"
    bad = kz["akimat"].post(url, json={"measure": "fine", "act": "", "prosecutor_org": "akimat_trk", "x": 1})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"measure", "act", "justification", "x"}
    assert kz["akimat"].post(url, json={**MEASURE, "prosecutor_org": "akimat_trk"}).status_code == 422
    assert kz["investor"].post(url, json=MEASURE).status_code == 403
    assert kz["chamber"].post(url, json=MEASURE).status_code == 403

    response = kz["akimat"].post(url, json=MEASURE)
    assert response.status_code == 201
    case = response.get_json()
    assert (case["level"], case["region"], case["state"], case["body_org"]) == (
        "regional", "Алматинская область", "pending", "akimat_alm")
    assert case["measure_name"] == "приостановление действия или отзыв разрешений"
    assert len(notices(kz["prok"], "kz_prosecutor_case")) == 1 and notices(kz["genprok"], "kz_prosecutor_case") == []
    assert [c["id"] for c in kz["prok"].get("/api/v1/kz/prosecutor-cases").get_json()["items"]] == [case["id"]]
    assert kz["genprok"].get("/api/v1/kz/prosecutor-cases").get_json()["items"] == []
    assert kz["akimat"].get("/api/v1/kz/prosecutor-cases").status_code == 403

    decide = f"/api/v1/kz/prosecutor-cases/{case['id']}/decide"
    assert kz["genprok"].post(decide, json={"approved": True}).status_code == 403  # not its office (item 59)
    assert kz["akimat"].post(decide, json={"approved": True}).status_code == 403
    assert kz["prok"].post(decide, json={"approved": False}).get_json()["errors"]["comment"]  # a refusal says why
    clock.now = almaty(date(2025, 3, 7))
    out = kz["prok"].post(decide, json={"approved": False, "comment": "нарушения не подтверждены"}).get_json()
    assert (out["state"], out["decided_by"], out["decided_at"]) == ("refused", "prok", "2025-03-07T05:00:00+00:00")
    assert kz["prok"].post(decide, json={"approved": True}).status_code == 409  # decided once
    assert len(notices(kz["akimat"], "kz_prosecutor_decision")) == 1
    assert len(notices(kz["investor"], "kz_prosecutor_decision")) == 1  # the investor is told (item 57)
    # The investor of the project's company reads it; another company's investor does not see the project.
    assert [c["state"] for c in kz["investor"].get(url).get_json()["items"]] == ["refused"]
    assert kz["stranger"].get(url).status_code == 404
    assert kz["prok"].get("/api/v1/kz/prosecutor-cases?state=refused").get_json()["items"][0]["id"] == case["id"]


def test_a_central_body_measure_goes_to_the_general_office(kz, offices, clock):
    clock.now = almaty(date(2025, 3, 5))
    pid = start_project(kz, clock)
    response = kz["committee"].post(f"/api/v1/kz/projects/{pid}/prosecutor-cases",
                                    json={**MEASURE, "measure": "terminate_contract", "prosecutor_org": "genprok"})
    case = response.get_json()
    assert response.status_code == 201 and case["level"] == "general"
    out = kz["genprok"].post(f"/api/v1/kz/prosecutor-cases/{case['id']}/decide", json={"approved": True}).get_json()
    assert out["state"] == "approved" and out["decision_comment"] is None
    # The akimat did not send it and is no reader of the General Prosecutor's cases of others.
    assert kz["akimat"].get(f"/api/v1/kz/projects/{pid}/prosecutor-cases").get_json()["items"] == []
    assert [c["id"] for c in kz["analyst"].get(f"/api/v1/kz/projects/{pid}/prosecutor-cases").get_json()["items"]] == [case["id"]]


def test_the_filter_in_the_pages(kz, kz_app, offices, clock):
    clock.now = almaty(date(2025, 3, 5))
    pid = start_project(kz, clock)
    akimat, prok, chamber = Person(kz_app, "akimat"), Person(kz_app, "prok"), Person(kz_app, "chamber")
    url = f"/kz/projects/{pid}"
    page = akimat.html(url)
    assert "Направить меру на согласование" in page and "Прокуратура Алматинской области" in page
    assert "Направить меру на согласование" not in chamber.html(url)
    response = akimat.post(f"{url}/prosecutor-cases", {**MEASURE, "act": ""})
    assert response.status_code == 422 and "Акт: обязательное поле" in response.get_data(as_text=True)
    assert kz["analyst"].get(f"/api/v1/kz/projects/{pid}/prosecutor-cases").get_json()["items"] == []
    assert akimat.post(f"{url}/prosecutor-cases", MEASURE).status_code == 302

    queue = prok.html("/kz/prosecutor-cases")
    assert 'href="/kz/prosecutor-cases"' in queue and f'href="/kz/projects/{pid}"' in queue
    assert "приостановление действия или отзыв разрешений" in queue
    case = kz["prok"].get("/api/v1/kz/prosecutor-cases").get_json()["items"][0]["id"]
    assert f"{url}/prosecutor-cases/{case}/decide" in prok.html(url)
    assert f"{url}/prosecutor-cases/{case}/decide" not in akimat.html(url)
    response = prok.post(f"{url}/prosecutor-cases/{case}/decide", {"decision": "refuse", "comment": ""})
    assert response.status_code == 422
    response = prok.post(f"{url}/prosecutor-cases/{case}/decide", {"decision": "approve"}, follow_redirects=True)
    assert response.status_code == 200 and "согласовано · 05.03.2025" in response.get_data(as_text=True)
    assert "Мер нет" in prok.html("/kz/prosecutor-cases")
    assert akimat.get("/kz/prosecutor-cases").status_code == 403
