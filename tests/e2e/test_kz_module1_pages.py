"""Seed 003 item 42 in the pages: a further meeting, the visit's results and the project chat on
/kz/projects/<id>, each with a validation error shown and nothing written; item 41's «Перевести в
инициативу» on the generic task page."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from packs.kazakhstan.models import KzMessage
from tests import kz_support
from tests.e2e.test_pages_staff import Person
from tests.kz_support import PASSPORT, add_roadmap, almaty, do, start_project

kz_app, kz = kz_support.kz_app, kz_support.kz  # the Kazakhstan world's fixtures


def messages(app) -> int:
    with app.extensions["koridor"].db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(KzMessage))


def test_meeting_visit_and_chat_forms(kz, kz_app, clock):
    clock.now = almaty(date(2025, 3, 5))
    pid = start_project(kz, clock, company_org="steppe")
    akimat, initiator, analyst = Person(kz_app, "akimat"), Person(kz_app, "initiator"), Person(kz_app, "analyst")
    url = f"/kz/projects/{pid}"
    page = akimat.html(url)
    assert "Добавить встречу" in page and "Итоги визита" in page and "Чат проекта" in page
    assert "Добавить встречу" not in analyst.html(url)  # analysts only read

    response = akimat.post(f"{url}/meetings", {"date": "2025-03-04", "participants": "аким, инвестор",
                                               "subject": "", "agreements": "ТУ до 01.04"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Проверьте карточку встречи" in html and "Предмет: обязательное поле" in html
    assert 'value="аким, инвестор"' in html and len(kz["akimat"].get(f"/api/v1/kz/projects/{pid}").get_json()[
        "initiative"]["meetings"]) == 1
    response = akimat.post(f"{url}/meetings", {"date": "2025-03-04", "participants": "аким, инвестор",
                                               "subject": "подключение к сетям", "agreements": "ТУ до 01.04"},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and len(re.findall(r"<tr data-meeting>", html)) == 2
    assert "04.03.2025" in html and "подключение к сетям" in html

    response = initiator.post(f"{url}/visit", {"held_on": "2025-03-04", "purpose": "площадка"})
    assert response.status_code == 422 and "Итоги визита: обязательное поле" in response.get_data(as_text=True)
    response = initiator.post(f"{url}/visit", {"held_on": "2025-03-04", "outcome": "участок согласован"},
                              follow_redirects=True)
    assert "Итоги визита: участок согласован" in response.get_data(as_text=True)

    response = akimat.post(f"{url}/messages", {"text": "  "})
    assert response.status_code == 422 and messages(kz_app) == 0
    response = akimat.post(f"{url}/messages", {"text": "Встреча 12.03 в 10:00"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Встреча 12.03 в 10:00" in html and "05.03.2025 10:00 · akimat" in html and messages(kz_app) == 1
    assert analyst.post(f"{url}/messages", {"text": "аналитик"}).status_code == 403
    assert 'name="text"' not in analyst.html(url)

    # Module 2: the cards are closed (409 shown on the page), the chat goes on.
    do(kz["akimat"], pid, "create_passport", **PASSPORT)
    assert "Добавить встречу" not in akimat.html(url)
    response = akimat.post(f"{url}/meetings", {"date": "2025-03-06", "participants": "аким", "subject": "сети",
                                               "agreements": "нет"})
    assert response.status_code == 409 and "пока проект — инициатива" in response.get_data(as_text=True)


def test_back_to_the_initiative_from_the_task_page(kz, kz_app, clock):
    clock.now = almaty(date(2025, 3, 5))
    pid = start_project(kz, clock)
    do(kz["akimat"], pid, "create_passport", **PASSPORT)
    akimat = Person(kz_app, "akimat")
    task = int(re.search(r'href="/tasks/(\d+)"', akimat.html(f"/kz/projects/{pid}")).group(1))
    assert "Перевести в инициативу (изменились условия проекта или регион)" in akimat.html(f"/tasks/{task}")
    response = akimat.post(f"/tasks/{task}", {"action": "to_initiative", "reason": "меняется регион"})
    assert response.status_code == 302
    project = kz["initiator"].get(f"/api/v1/kz/projects/{pid}").get_json()
    assert project["status"] == "initiative_returned" and project["returned_to_initiative"][0]["reason"] == "меняется регион"


def test_a_roadmap_task_is_changed_and_deleted_in_the_page(kz, kz_app, clock):
    clock.now = almaty(date(2025, 3, 5))
    pid = start_project(kz, clock)
    do(kz["akimat"], pid, "create_passport", **PASSPORT)
    ids = add_roadmap(kz, pid)
    initiator, chamber = Person(kz_app, "initiator"), Person(kz_app, "chamber")
    url = f"/kz/projects/{pid}"
    assert f'action="{url}/roadmap/{ids[0]}/edit"' in initiator.html(url)
    assert f'action="{url}/roadmap/{ids[0]}/edit"' not in chamber.html(url)

    form = {"stage": "pre_investment", "title": "", "due_date": "2025-05-20", "responsible": "Акимат",
            "expected_result": "", "support_measures": "", "risks": ""}
    response = initiator.post(f"{url}/roadmap/{ids[0]}/edit", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Задача: обязательное поле" in html and 'value="2025-05-20"' in html
    task = kz["akimat"].get(f"/api/v1/kz/projects/{pid}").get_json()["roadmap"][0]
    assert (task["title"], task["due_date"]) == ("ТЭО и земельный участок", "2025-05-15")  # nothing written

    response = initiator.post(f"{url}/roadmap/{ids[0]}/edit", {**form, "title": "ТЭО, участок и ТУ"},
                              follow_redirects=True)
    assert response.status_code == 200 and "ТЭО, участок и ТУ" in response.get_data(as_text=True)
    task = kz["akimat"].get(f"/api/v1/kz/projects/{pid}").get_json()["roadmap"][0]
    assert (task["title"], task["due_date"], task["responsible"], task["risks"]) == (
        "ТЭО, участок и ТУ", "2025-05-20", "Акимат", None)
    assert chamber.post(f"{url}/roadmap/{ids[1]}/delete").status_code == 403
    assert initiator.post(f"{url}/roadmap/{ids[1]}/delete").status_code == 302
    assert [t["id"] for t in kz["akimat"].get(f"/api/v1/kz/projects/{pid}").get_json()["roadmap"]] == [ids[0], ids[2]]
    do(kz["akimat"], pid, "submit", expect=422)  # the investment stage is gone now (item 48)
