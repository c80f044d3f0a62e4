"""The Leningrad onboarding path through the API (seed 000 section 2, workflows/bpmn/leningrad/onboarding.bpmn)."""
from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from tests.onboarding_support import APPLICATION, REGISTRATION, act, build_onboarding_world, onboard, task_of
from tests.support import Api

LOGINS = ("investor", "investor2", "deputy", "pm", "pm2", "head", "operator", "moderator", "commissioner",
          "auditor")


@pytest.fixture
def people(app, ctx):
    build_onboarding_world(ctx)
    client = app.test_client()
    return {login: Api(client, login) for login in LOGINS}


def test_the_whole_path_creates_the_project_with_manager_sector_and_source(people, clock):
    inv, deputy, pm = people["investor"], people["deputy"], people["pm"]
    reg = inv.post("/api/v1/registrations", json=REGISTRATION).get_json()
    assert reg["status"] == "on_confirmation"
    assert reg["confirm_due_at"] == "2025-08-19T20:59:59+00:00"  # Monday 18.08 → Tuesday 19.08
    task = task_of(deputy)
    assert task["role"] == "deputy_director" and task["due_at"] == "2025-08-19T20:59:59+00:00"
    assert inv.tasks() == [] and task_of(deputy)["actions"] == ["confirm", "reject"]

    act(deputy, "confirm", expect=422, manager="moderator")  # not a manager of the agency
    step = act(deputy, "confirm", manager="pm")
    assert step["status_to"] == "awaiting_application" and step["registration"]["manager"] == "pm"
    clock.advance(days=1)
    act(inv, "submit", expect=422, **{**APPLICATION, "okved": "55-10"})
    step = act(inv, "submit", **APPLICATION)
    reg = step["registration"]
    assert reg["status"] == "application_check" and reg["application"]["investment_volume"] == "150.5"
    assert reg["okved_check"]["priority"] is True
    assert reg["okved_check"]["codes"][0]["industry"] == "tourism" and reg["okved_check"]["codes"][1]["industry"] is None
    assert reg["check_due_at"] == "2025-08-20T20:59:59+00:00"
    assert task_of(pm)["due_at"] == "2025-08-20T20:59:59+00:00"
    assert people["pm2"].tasks() == []  # assigned to the named manager only

    step = act(pm, "confirm", source="Инвестиционный портал Ленинградской области")
    assert step["status_to"] == "project_created" and step["next_tasks"] == []
    project = step["registration"]["project"]
    assert project["status"] == "active" and project["stage"] == "site_selection"
    assert project["manager"]["login"] == "pm" and project["sector"] == "Туризм и гостиничный бизнес"
    assert project["source"] == "Инвестиционный портал Ленинградской области"
    assert project["company"] == {"org": "tria", "name": "ООО «ТриА Девелопмент»", "inn": "9704098567",
                                  "ogrn": "1027700132195"}
    assert project["investment_volume"] == 150.5 and project["jobs"] == 40
    seen = inv.get(f"/api/v1/projects/{project['id']}").get_json()
    assert seen["name"] == APPLICATION["name"] and seen["staleness"]["cadence"] == "раз в неделю"
    assert inv.get(f"/api/v1/registrations/{reg['id']}").get_json()["status"] == "project_created"


def test_the_manager_fills_the_sector_when_the_codes_are_not_priority(people):
    inv, deputy, pm = people["investor"], people["deputy"], people["pm"]
    inv.post("/api/v1/registrations", json=REGISTRATION)
    act(deputy, "confirm", manager="pm")
    act(inv, "submit", **{**APPLICATION, "okved": "68.20"})
    missing = act(pm, "confirm", expect=422, source="Деловое мероприятие")
    assert "sector" in missing["errors"]
    project = act(pm, "confirm", source="Деловое мероприятие", sector="Коммерческая недвижимость")
    assert project["registration"]["project"]["sector"] == "Коммерческая недвижимость"


def test_the_deputy_director_rejects_with_a_reason(people):
    inv, deputy = people["investor"], people["deputy"]
    reg = inv.post("/api/v1/registrations", json=REGISTRATION).get_json()
    assert inv.post("/api/v1/registrations", json=REGISTRATION).status_code == 409  # one at a time
    act(deputy, "reject", expect=422)
    step = act(deputy, "reject", reason="ОГРН не соответствует выписке ЕГРЮЛ")
    assert step["status_to"] == "registration_rejected"
    view = inv.get(f"/api/v1/registrations/{reg['id']}").get_json()
    assert view["reason"] == "ОГРН не соответствует выписке ЕГРЮЛ" and view["closed_at"]
    assert inv.tasks() == [] and deputy.tasks() == []
    assert inv.post("/api/v1/registrations", json=REGISTRATION).status_code == 201  # may file again


def test_the_manager_rejects_the_application(people):
    inv, deputy, pm = people["investor"], people["deputy"], people["pm"]
    inv.post("/api/v1/registrations", json=REGISTRATION)
    act(deputy, "confirm", manager="pm")
    act(inv, "submit", **APPLICATION)
    step = act(pm, "reject", reason="Проект не относится к инвестиционной деятельности")
    assert step["status_to"] == "application_rejected" and step["registration"]["project_id"] is None
    assert inv.get("/api/v1/projects").get_json()["items"] == []


def test_registration_input_is_checked(people):
    inv = people["investor"]
    bad = inv.post("/api/v1/registrations", json={**REGISTRATION, "inn": "9704098560", "ogrn": "1027700132194",
                                                  "contact_phone": None, "extra": 1})
    assert bad.status_code == 422
    assert {"inn", "ogrn", "contact_phone", "extra"} <= set(bad.get_json()["errors"])
    other = inv.post("/api/v1/registrations", json={**REGISTRATION, "inn": "4716012340"})
    assert other.status_code == 422 and "inn" in other.get_json()["errors"]  # not the investor's company
    assert people["moderator"].post("/api/v1/registrations", json=REGISTRATION).status_code == 403
    assert inv.post("/api/v1/registrations", data="x").status_code == 400


def test_an_operator_registers_for_a_new_company(people):
    body = {**REGISTRATION, "company_name": "ООО «Новая»", "inn": "7840123459", "ogrn": "7712345678906",
            "contact_phone": None, "contact_email": "ceo@new.example"}
    reg = people["operator"].post("/api/v1/registrations", json=body).get_json()
    assert reg["company"]["org"] == "inn-7840123459" and reg["investor"] is None
    assert people["operator"].get(f"/api/v1/registrations/{reg['id']}").status_code == 200
    assert people["investor2"].get(f"/api/v1/registrations/{reg['id']}").status_code == 404


DEADLINES = [
    (datetime(2025, 12, 30, 9, 0, tzinfo=UTC), "2026-01-12"),   # the New Year holidays and 9 January
    (datetime(2025, 12, 29, 21, 30, tzinfo=UTC), "2026-01-12"),  # 00:30 on 30.12 in Moscow time
    (datetime(2025, 6, 11, 9, 0, tzinfo=UTC), "2025-06-16"),    # 12 June, 13 June moved off, the weekend
    (datetime(2025, 10, 31, 9, 0, tzinfo=UTC), "2025-11-01"),   # Saturday 1 November is a working day
    (datetime(2025, 10, 30, 20, 59, tzinfo=UTC), "2025-10-31"),  # 23:59 on Thursday: Friday
]


def test_next_working_day_deadlines_follow_the_russian_calendar(people, clock):
    inv, deputy, pm = people["investor"], people["deputy"], people["pm"]
    for received, due in DEADLINES:
        clock.now = received
        reg = inv.post("/api/v1/registrations", json=REGISTRATION).get_json()
        assert reg["confirm_due_at"][:10] == due, received
        act(deputy, "confirm", manager="pm")
        act(inv, "submit", **APPLICATION)
        check = inv.get(f"/api/v1/registrations/{reg['id']}").get_json()["check_due_at"]
        assert check[:10] == due, received
        act(pm, "reject", reason="проверка сроков")  # closes the request: the company may file again


def test_missed_deadlines_escalate_once_and_the_work_goes_on(app, ctx, people, clock):
    from services.work.timers import fire_due_timers

    inv, deputy = people["investor"], people["deputy"]
    reg = inv.post("/api/v1/registrations", json=REGISTRATION).get_json()
    clock.advance(days=1, hours=13, minutes=10)  # 00:04 on Wednesday in Moscow
    assert fire_due_timers(ctx) == 1
    assert fire_due_timers(ctx) == 0
    history = [e for e in _events(ctx, reg["id"]) if e.action == "overdue"]
    assert len(history) == 1 and history[0].data["step"] == "registration_confirmation"
    assert set(history[0].data["notified"]) == {"deputy", "head"}
    assert _notified(ctx, "deputy", "overdue") == 1 and _notified(ctx, "head", "overdue") == 1
    act(deputy, "confirm", manager="pm")  # still open after the escalation
    act(inv, "submit", **APPLICATION)
    clock.advance(days=2)
    fire_due_timers(ctx)
    history = [e for e in _events(ctx, reg["id"]) if e.action == "overdue"]
    assert [e.data["step"] for e in history] == ["registration_confirmation", "application_check"]
    assert _notified(ctx, "pm", "overdue") == 1
    act(people["pm"], "confirm", source="Иное")


def _events(ctx, registration_id):
    from engine.history import events_for

    with ctx.db.unit_of_work() as uow:
        return [SimpleNamespace(action=e.action, data=e.data, actor=e.actor)
                for e in events_for(uow.session, "registration", registration_id)]


def _notified(ctx, login, event):
    from sqlalchemy import func, select

    from services.models import Notification

    with ctx.db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(Notification)
                                  .where(Notification.recipient == login, Notification.event == event))


def test_onboard_helper_runs_the_path(people):
    reg = onboard(people)
    assert reg["status"] == "project_created" and reg["project"]["manager"]["login"] == "pm"
