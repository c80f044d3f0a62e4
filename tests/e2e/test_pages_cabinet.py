"""The investor's cabinet and the operator's intake page through the Flask test client."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from services.models import Organisation, User
from tests.support import COMPANY, FACT_CONSULTATION, FACT_PROBLEM, PASSWORD, Api, build_world

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client(app, ctx):
    build_world(ctx)
    return app.test_client()


def sign_in(client, login: str) -> None:
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)


def token_of(client, path: str) -> str:
    return TOKEN.search(client.get(path).get_data(as_text=True)).group(1)


def flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def appeal_form(**changes) -> dict:
    form = {"fact": FACT_CONSULTATION, "subject": "Участок под реализацию проекта",
            "description": "Прошу сообщить о свободных участках", "company_name": COMPANY["name"],
            "company_inn": COMPANY["inn"]}
    form.update(changes)
    return form


def assign_manager(ctx, org: str = "tria", login: str = "moderator") -> None:
    with ctx.db.unit_of_work() as uow:
        uow.session.scalar(select(Organisation).where(Organisation.code == org)).personal_manager = login
        user = uow.session.scalar(select(User).where(User.login == login))
        user.name, user.phone = "Майер Нелли Викторовна", "+7 (904) 123-45-67"
        uow.commit()


@pytest.mark.parametrize("path, allowed", [("/cabinet", {"investor", "investor2"}),
                                           ("/cabinet/new", {"investor", "investor2"}),
                                           ("/intake", {"operator"})])
@pytest.mark.parametrize("login", ["investor", "investor2", "operator", "moderator", "head", "auditor"])
def test_each_page_opens_only_for_its_role(client, path, allowed, login):
    sign_in(client, login)
    response = client.get(path)
    assert response.status_code == (200 if login in allowed else 403)


def test_pages_send_a_stranger_to_the_sign_in_form(client):
    response = client.get("/cabinet/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_cabinet_lists_only_the_investors_own_appeals(client, ctx):
    Api(client, "investor").file(fact=FACT_CONSULTATION, subject="Участок для склада")
    Api(client, "investor2").file(subject="Съезд на промышленную улицу",
                                  company={"name": "ООО «Ятэк Рус»", "inn": "4716012340"})
    assign_manager(ctx)
    sign_in(client, "investor")
    page = client.get("/cabinet").get_data(as_text=True)
    assert "Участок для склада" in page and "Съезд на промышленную улицу" not in page
    assert "Обращение поступило на модерацию" in page
    assert "23.08.2025" in page, "consultation filed 18.08.2025: answer by +5 calendar days"
    assert 'href="/appeals/1"' in page
    assert "Ваш персональный менеджер" in page and "Майер Нелли Викторовна" in page
    assert "+7 (904) 123-45-67" in page and "moderator@example.org" in page


def test_cabinet_shows_the_investors_tasks_and_overdue_marks(client, clock):
    investor, moderator = Api(client, "investor"), Api(client, "moderator")
    appeal = investor.file(fact=FACT_CONSULTATION)
    moderator.do(appeal["id"], "clarify", question="Уточните кадастровый номер")
    clock.advance(days=6)
    sign_in(client, "investor")
    page = client.get("/cabinet").get_data(as_text=True)
    tasks = page.split('id="tasks-title"')[1].split("</section>")[0]
    assert f'href="/appeals/{appeal["id"]}"' in tasks
    assert "Запрошено уточнение у инвестора" in page
    assert "просрочено" in page
    assert client.get("/cabinet?status=resolved").get_data(as_text=True).count('href="/appeals/') == 1  # the task only


def test_new_appeal_form_is_prefilled_from_the_company(client, ctx):
    sign_in(client, "investor")
    page = client.get("/cabinet/new").get_data(as_text=True)
    assert 'value="9704098567"' in page and "ТриА Девелопмент" in page
    for label in ("Выберите категорию", "Выберите подкатегорию", "Выберите факт обращения", "Тема обращения",
                  "Описание", "Название организации", "ИНН"):
        assert label in page
    assert '<label for="fact">' in page and "<optgroup" in page, "works without the script"
    assert "Менеджер ещё не назначен" in page


def test_investor_files_an_appeal_with_a_file_and_lands_on_it(client, ctx):
    sign_in(client, "investor")
    form = appeal_form(csrf_token=token_of(client, "/cabinet/new"),
                       files=[(io.BytesIO(b"%PDF-1.4 plan"), "plan.pdf"), (io.BytesIO(b"MZ"), "tool.exe")])
    response = client.post("/cabinet/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 422, "a refused file type is reported before anything is filed"
    page = response.get_data(as_text=True)
    assert "tool.exe" in page and "Участок под реализацию проекта" in page
    form = appeal_form(csrf_token=token_of(client, "/cabinet/new"), files=[(io.BytesIO(b"%PDF-1.4 plan"), "plan.pdf")])
    response = client.post("/cabinet/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/appeals/1")
    assert flashes(client) == ["Обращение №1 создано"]
    api = Api(client, "investor")
    appeal = api.get("/api/v1/appeals/1").get_json()
    assert appeal["appeal_type"] == "consultation" and appeal["deadline"] == "2025-08-23"
    assert appeal["channel"] == "lk" and appeal["company"]["inn"] == "9704098567"
    assert [f["filename"] for f in api.get("/api/v1/appeals/1/files").get_json()["items"]] == ["plan.pdf"]


def test_a_wrong_inn_is_shown_next_to_the_field_and_the_text_is_kept(client):
    sign_in(client, "investor")
    form = appeal_form(company_inn="9704098568", csrf_token=token_of(client, "/cabinet/new"))
    response = client.post("/cabinet/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="company_inn"[^>]*aria-invalid="true"', page)
    assert 'id="company_inn-error">неверная контрольная сумма ИНН' in page
    assert 'value="Участок под реализацию проекта"' in page and "Прошу сообщить о свободных участках" in page
    assert re.search(rf'<option value="{re.escape(FACT_CONSULTATION)}" selected>', page)
    assert Api(client, "investor").get("/api/v1/appeals").get_json()["items"] == []


def test_without_the_script_a_button_previews_the_deadline(client):
    sign_in(client, "investor")
    form = appeal_form(subject="", preview="1", csrf_token=token_of(client, "/cabinet/new"))
    page = client.post("/cabinet/new", data=form).get_data(as_text=True)
    assert "Консультация" in page and "23.08.2025" in page
    assert Api(client, "investor").get("/api/v1/appeals").get_json()["items"] == []


def test_deadline_json_gives_type_and_last_day(client):
    assert client.get(f"/cabinet/deadline?fact={FACT_CONSULTATION}").status_code == 401
    sign_in(client, "investor")
    body = client.get(f"/cabinet/deadline?fact={FACT_CONSULTATION}").get_json()
    assert (body["appeal_type"], body["appeal_type_name"]) == ("consultation", "Консультация")
    assert (body["deadline"], body["deadline_text"]) == ("2025-08-23", "23.08.2025")
    seed = client.get(f"/cabinet/deadline?fact={FACT_PROBLEM}&received_at=2025-02-21T12:47").get_json()
    assert (seed["appeal_type"], seed["deadline_text"]) == ("problem", "13.03.2025")
    assert client.get("/cabinet/deadline?fact=no.such.fact").status_code == 422
    assert client.get(f"/cabinet/deadline?fact={FACT_PROBLEM}&received_at=yesterday").status_code == 422


def test_operator_registers_a_phone_appeal_and_the_time_received_sets_the_deadline(client):
    sign_in(client, "operator")
    page = client.get("/intake").get_data(as_text=True)
    assert 'value="2025-08-18T10:54"' in page, "received time defaults to now in Europe/Moscow"
    assert "Телефон" in page and "Социальные сети" in page and "Мессенджер" in page
    form = appeal_form(fact=FACT_PROBLEM, subject="Согласование съезда на промышленную улицу", channel="phone",
                       received_at="2025-02-21T12:47", contact_name="Лесохин Константин Витальевич",
                       contact_phone="+79112163074", contact_email="lesohin@example.org",
                       csrf_token=token_of(client, "/intake"))
    response = client.post("/intake", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/appeals/1")
    assert flashes(client) == ["Обращение №1 создано"]
    api = Api(client, "operator")
    appeal = api.get("/api/v1/appeals/1").get_json()
    assert (appeal["channel"], appeal["appeal_type"], appeal["deadline"]) == ("phone", "problem", "2025-03-13")
    assert appeal["received_at"].startswith("2025-02-21T09:47"), "12:47 Moscow time"
    assert appeal["investor"]["login"] == "investor", "the company's investor sees it in the cabinet"
    comments = api.get("/api/v1/appeals/1/comments").get_json()["items"]
    assert comments[0]["text"] == ("Контакты заявителя: Лесохин Константин Витальевич, тел. +79112163074, "
                                   "e-mail lesohin@example.org")


def test_operator_consultation_gets_five_days_from_the_time_received(client):
    sign_in(client, "operator")
    form = appeal_form(channel="email", received_at="2025-08-15T18:30", csrf_token=token_of(client, "/intake"))
    assert client.post("/intake", data=form).status_code == 302
    assert Api(client, "operator").get("/api/v1/appeals/1").get_json()["deadline"] == "2025-08-20"


@pytest.mark.parametrize("changes, field", [({"received_at": "2025-09-01T10:00"}, "received_at"),
                                            ({"received_at": "завтра"}, "received_at"),
                                            ({"channel": "pigeon"}, "channel"),
                                            ({"company_inn": "123"}, "company_inn")])
def test_intake_errors_stay_next_to_their_field(client, changes, field):
    sign_in(client, "operator")
    form = appeal_form(channel="phone", received_at="2025-08-18T09:00", csrf_token=token_of(client, "/intake"))
    form.update(changes)
    response = client.post("/intake", data=form)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
