"""Request bodies are checked by their schemas before any service runs: types, required fields,
lengths, choices, formats; every message Russian; the error paths name nested fields."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from packs.kazakhstan.web import schemas as kz
from services.errors import ValidationFailed
from services.settings import Settings
from web import create_app
from web import schemas_admin as admin
from web import schemas_projects as projects
from web.validation import checked

MEETING = {"date": "2025-05-20", "participants": "посол", "subject": "завод", "agreements": "визит"}
INITIATIVE = {"name": "Завод", "region": "Алматинская область", "local_exec_org": "akimat_alm",
              "company": {"name": "Steppe Glass", "country": "Германия", "sector": "стекло", "contact": "Hans"},
              "kyc": {"passed": True}, "meetings": [MEETING]}
REGISTRATION = {"company_name": "ООО «ТриА Девелопмент»", "inn": "9704098567", "ogrn": "1027700132195",
                "address": "Санкт-Петербург", "contact_name": "Журбина Анна", "contact_email": "a@example.org"}


def refused(schema, body) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        checked(schema, body)
    return caught.value


def test_a_loaded_body_has_typed_values_and_defaults():
    body = checked(kz.INITIATIVE, INITIATIVE)
    assert body["meetings"][0]["date"] == date(2025, 5, 20)
    assert body["company"]["size"] is None and body["visit"] is None and body["company_org"] is None
    meeting = checked(projects.MEETING, {"title": " Встреча ", "agenda": "повестка", "planned_at": "2025-08-20"})
    assert meeting == {"kind": "meeting", "title": "Встреча", "agenda": "повестка",
                       "planned_at": datetime(2025, 8, 20, 10, 0)}


def test_blank_text_is_a_missing_field_and_unknown_fields_are_named():
    err = refused(kz.MEETING, {**MEETING, "subject": "   ", "extra": 1})
    assert err.message == "Проверьте карточку встречи"
    assert err.errors == {"subject": ["обязательное поле"], "extra": ["поле не предусмотрено"]}


def test_nested_errors_are_dotted_paths():
    body = {**INITIATIVE, "company": {"name": "x"}, "meetings": [{**MEETING, "date": "20.05.2025"}], "kyc": {"passed": False}}
    errors = refused(kz.INITIATIVE, body).errors
    assert errors["company.country"] == ["обязательное поле"]
    assert errors["meetings.0.date"] == ["дата в формате ГГГГ-ММ-ДД"]
    assert errors["kyc"] == ["процедура KYC должна быть пройдена (passed: true)"]


@pytest.mark.parametrize("value", ["true", 1, "yes", None])
def test_a_flag_is_json_true_or_false_only(value):
    assert refused(kz.ROADMAP_VALIDATION, {"accepted": value}).errors["accepted"] in (["true или false"],
                                                                                       ["обязательное поле"])


def test_a_refusal_needs_its_reason():
    assert refused(kz.ROADMAP_VALIDATION, {"accepted": False}).errors == {"comment": ["укажите причину"]}
    assert refused(kz.PROSECUTOR_DECISION, {"approved": False, "comment": " "}).errors == {
        "comment": ["обязательное поле"]}
    assert checked(kz.PROSECUTOR_DECISION, {"approved": True}) == {"approved": True, "comment": None}


@pytest.mark.parametrize("year, mrp, field", [(1999, 3000, "year"), (True, 3000, "year"), ("2025", 3000, "year"),
                                              (2025, 0, "mrp"), (2025, 3.5, "mrp")])
def test_integers_are_strict(year, mrp, field):
    assert field in refused(kz.MRP, {"year": year, "mrp": mrp}).errors


def test_lengths_and_choices_say_what_is_allowed():
    errors = refused(kz.ROADMAP_TASK, {"stage": "later", "title": "x" * 5001, "due_date": "2025-09-01",
                                       "responsible": "акимат"}).errors
    assert errors == {"stage": ["одна из стадий: pre_investment, investment, post_investment"],
                      "title": ["не длиннее 5000 символов"]}


def test_a_partial_body_checks_only_what_is_sent():
    assert checked(kz.ROADMAP_TASK_CHANGE, {"risks": None}) == {"risks": None}
    assert refused(kz.ROADMAP_TASK_CHANGE, {"title": ""}).errors == {"title": ["обязательное поле"]}
    change = refused(projects.PROJECT_CHANGE, {"okved": "10,x", "jobs": -1, "color": "red"}).errors
    assert set(change) == {"okved", "jobs", "color"} and change["color"] == ["поле нельзя изменить"]
    assert checked(projects.PROJECT_CHANGE, {"okved": "10.11 46.90"}) == {"okved": "10.11, 46.90"}


def test_registry_numbers_are_checked_with_every_other_field():
    errors = refused(projects.REGISTRATION, {**REGISTRATION, "inn": "1234567890", "ogrn": "1", "contact_email": None,
                                             "extra": "x"}).errors
    assert {"inn", "ogrn", "contact_phone", "extra"} == set(errors)
    assert checked(projects.REGISTRATION, REGISTRATION)["contact_phone"] is None


def test_an_absence_period_is_ordered_and_at_most_a_year():
    base = {"substitute": "moderator", "starts_on": "2025-08-20"}
    assert refused(admin.ABSENCE, {**base, "ends_on": "2025-08-19"}).errors == {"ends_on": ["не раньше даты начала"]}
    assert refused(admin.ABSENCE, {**base, "ends_on": "2026-08-21"}).errors == {"ends_on": ["не длиннее 366 дней"]}


@pytest.fixture
def client(tmp_path):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/k.db", pack="kazakhstan", secret_key="t",
                              testing=True))
    return app.test_client()


def test_the_api_answers_422_with_a_message_per_field_before_any_service(client, monkeypatch):
    from packs.kazakhstan.web import api as routes

    monkeypatch.setattr(routes.kz_scoring, "set_mrp", lambda *a: pytest.fail("the service ran"))
    monkeypatch.setattr("web.auth.authenticate", lambda ctx, token: object())
    response = client.put("/api/v1/kz/mrp", json={"year": "2025", "mrp": -1, "note": "x"},
                          headers={"Authorization": "Bearer t"})
    assert response.status_code == 422
    assert response.get_json() == {"code": "validation_failed", "status": 422, "message": "Проверьте МРП",
                                   "errors": {"year": ["целое число"], "mrp": ["целое положительное число тенге"],
                                              "note": ["поле не предусмотрено"]}}
    not_object = client.put("/api/v1/kz/mrp", json=[1, 2], headers={"Authorization": "Bearer t"})
    assert not_object.status_code == 400 and not_object.get_json()["code"] == "bad_request"
