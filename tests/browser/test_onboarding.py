"""The Leningrad onboarding path in a browser (issue 4; seed 000 items 2.1–2.2): the investor files the
registration, the deputy director confirms and assigns the manager, the investor files the support
application, the manager confirms, the project page shows the project."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from services.models import User
from tests.browser.conftest import click_and_wait, screenshot
from tests.onboarding_support import APPLICATION, REGISTRATION
from tests.support import PASSWORD


@pytest.fixture
def agency_people(live_server, tmp_path):
    """The agency's deputy director and a manager in the live server's database file."""
    engine = create_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    with Session(engine) as session:
        digest = generate_password_hash(PASSWORD)
        session.add_all([User(login="deputy", password_hash=digest, name="Заместитель Директора", org_code="aerlo",
                              roles="deputy_director", email="deputy@example.org"),
                         User(login="pm", password_hash=digest, name="Петров Павел", org_code="aerlo",
                              roles="manager", email="pm@example.org")])
        session.commit()
    engine.dispose()


def open_task(page, title: str) -> None:
    page.get_by_role("link", name=title).first.click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))


def test_the_leningrad_path_in_the_pages(open_as, agency_people, live_server):
    investor = open_as("investor")
    investor.get_by_role("link", name="Регистрация компании / заявка на сопровождение").click()
    investor.get_by_label("ОГРН или ОГРНИП").fill(REGISTRATION["ogrn"])
    investor.get_by_label("Юридический адрес").fill(REGISTRATION["address"])
    investor.get_by_label("Контактное лицо").fill(REGISTRATION["contact_name"])
    investor.get_by_label("Телефон").fill(REGISTRATION["contact_phone"])
    investor.get_by_role("button", name="Подать заявку").click()
    investor.wait_for_url(re.compile(r"/cabinet$"))
    assert "Заявка на подтверждении юридических данных" in investor.inner_text("main")

    deputy = open_as("deputy")
    deputy.get_by_role("link", name="Задачи").first.click()
    open_task(deputy, "Подтвердить регистрацию")
    form = deputy.locator("form[aria-label='Подтвердить и назначить менеджера']")
    form.locator("select[name=manager]").select_option("pm")
    click_and_wait(deputy, form.get_by_role("button", name="Подтвердить и назначить менеджера"))

    investor.reload()
    assert "Ожидается заявление на сопровождение" in investor.inner_text("main")
    investor.get_by_role("link", name="Задачи").first.click()
    open_task(investor, "Подать заявление на сопровождение")
    form = investor.locator("form[aria-label='Отправить заявление']")
    for name in ("name", "okved", "investment_volume", "jobs", "site", "region", "description"):
        form.locator(f"[name={name}]").fill(str(APPLICATION[name]))
    form.get_by_role("button", name="Отправить заявление").click()
    investor.wait_for_url(re.compile(r"/cabinet$"))
    assert "Заявление на проверке у менеджера" in investor.inner_text("main")

    pm = open_as("pm")
    pm.goto(f"{live_server}/inbox?tab=mine")
    open_task(pm, "Проверить заявление")
    form = pm.locator("form[aria-label='Подтвердить и создать проект']")
    form.locator("[name=source]").fill("Инвестиционный портал Ленинградской области")
    click_and_wait(pm, form.get_by_role("button", name="Подтвердить и создать проект"))

    investor.reload()
    investor.get_by_role("link", name=APPLICATION["name"]).click()
    investor.wait_for_url(re.compile(r"/projects/\d+$"))
    text = investor.inner_text("main")
    assert APPLICATION["name"] in text and "Подбор площадки" in text and "Петров Павел" in text
    screenshot(investor, "onboarding")  # artifacts/screenshots; docs/screenshots/onboarding.png is a copy
