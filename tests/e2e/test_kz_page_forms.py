"""Kazakhstan page forms (seed 003): the initiator's initiative form (items 37–40), a kz_project
BPMN step on the generic task page, the roadmap forms — add (item 47), mark done (item 64),
validate or return (item 65). Happy paths and a validation error shown with nothing written."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select

from packs.kazakhstan.models import KzRoadmapTask
from services.models import Project
from tests import kz_support
from tests.e2e.test_pages_staff import Person
from tests.kz_support import PASSPORT, almaty, do, start_project

kz_app, kz = kz_support.kz_app, kz_support.kz  # the Kazakhstan world's fixtures
INITIATIVE = {"name": "Стекольный завод", "region": "Алматинская область", "local_exec_org": "akimat_alm",
              "company_org": "steppe", "company_name": "Steppe Glass", "company_country": "Германия",
              "company_sector": "обрабатывающая промышленность", "company_size": "крупная",
              "company_contact": "Hans Weber, +49 30 1234567", "kyc_passed": "1", "kyc_notes": "пройдена",
              "meeting_date": "2025-03-20", "meeting_participants": "посол, инвестор",
              "meeting_subject": "завод флоат-стекла", "meeting_agreements": "визит в апреле"}


def count(app, model) -> int:
    with app.extensions["koridor"].db.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_the_initiator_files_an_initiative_from_the_page(kz_app, clock):
    clock.now = almaty(date(2025, 4, 1))
    initiator = Person(kz_app, "initiator")
    form = initiator.html("/kz/initiatives/new")
    assert "Акимат Алматинской области" in form and 'href="/kz/initiatives/new"' in form
    response = initiator.post("/kz/initiatives/new", {**INITIATIVE, "kyc_passed": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Проверьте карточку инициативы" in html
    assert "процедура KYC должна быть пройдена" in html and count(kz_app, Project) == 0
    assert 'value="Steppe Glass"' in html

    response = initiator.post("/kz/initiatives/new", INITIATIVE, follow_redirects=True)
    assert re.fullmatch(r"/kz/projects/\d+", response.request.path)
    assert "Инициатива передана местному исполнительному органу" in response.get_data(as_text=True)
    assert count(kz_app, Project) == 1
    assert Person(kz_app, "akimat").get("/kz/initiatives/new").status_code == 403
    assert Person(kz_app, "investor").get("/cabinet/registration").status_code == 404  # Leningrad's path


def test_a_bpmn_step_and_the_roadmap_forms_in_the_pages(kz, kz_app, clock):
    clock.now = almaty(date(2025, 4, 1))
    pid = start_project(kz, clock)
    akimat, chamber = Person(kz_app, "akimat"), Person(kz_app, "chamber")
    page = akimat.html(f"/kz/projects/{pid}")
    task = int(re.search(r'href="/tasks/(\d+)"', page).group(1))
    assert "Создать паспорт проекта" in akimat.html(f"/tasks/{task}")
    passport = {k: str(v) for k, v in PASSPORT.items()}
    response = akimat.post(f"/tasks/{task}", {"action": "create_passport", **passport})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/kz/projects/{pid}")
    assert "210340012344" in akimat.html(f"/kz/projects/{pid}")

    row = {"stage": "pre_investment", "title": "", "due_date": "2025-05-15", "responsible": "Акимат"}
    response = akimat.post(f"/kz/projects/{pid}/roadmap", row)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Проверьте задачу дорожной карты" in html and "обязательное поле" in html
    assert count(kz_app, KzRoadmapTask) == 0
    response = akimat.post(f"/kz/projects/{pid}/roadmap", {**row, "title": "ТЭО и земельный участок"},
                           follow_redirects=True)
    assert "ТЭО и земельный участок" in response.get_data(as_text=True) and count(kz_app, KzRoadmapTask) == 1
    assert "Добавить задачу" not in chamber.html(f"/kz/projects/{pid}")  # only the project's editors

    for stage, due in (("investment", "2025-09-01"), ("post_investment", "2026-01-15")):  # item 48: every stage
        assert akimat.post(f"/kz/projects/{pid}/roadmap", {**row, "title": stage, "stage": stage,
                                                          "due_date": due}).status_code == 302
    do(kz["akimat"], pid, "submit")
    do(kz["chamber"], pid, "approve")
    do(kz["investor"], pid, "approve")
    do(kz["committee"], pid, "verify")
    rid = int(re.search(r'data-roadmap-task="(\d+)"', akimat.html(f"/kz/projects/{pid}")).group(1))
    path = f"/kz/projects/{pid}/roadmap/{rid}"
    response = akimat.post(f"{path}/complete", {"completed_on": "2025-04-02"})
    assert response.status_code == 422 and "не позже сегодняшнего дня" in response.get_data(as_text=True)
    assert akimat.post(f"{path}/complete", {"completed_on": "2025-04-01"}).status_code == 302
    assert chamber.post(f"{path}/complete", {}).status_code == 403

    response = chamber.post(f"{path}/validate", {"decision": "reject", "comment": ""})
    assert response.status_code == 422 and "укажите причину" in response.get_data(as_text=True)
    assert kz["chamber"].get(f"/api/v1/kz/projects/{pid}").get_json()["roadmap"][0]["state"] == "done"
    response = chamber.post(f"{path}/validate", {"decision": "accept"}, follow_redirects=True)
    assert "подтверждено" in response.get_data(as_text=True)
    assert kz["chamber"].get(f"/api/v1/kz/projects/{pid}").get_json()["roadmap"][0]["state"] == "validated"
