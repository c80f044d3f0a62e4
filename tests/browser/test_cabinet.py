"""The investor files an appeal through the cascading pickers; the operator registers a phone call."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, update

from services.models import Organisation, User
from tests.browser.conftest import screenshot
from tests.support import FACT_PROBLEM

CATEGORY = "Вопросы бизнеса, связанные с земельными отношениями и недвижимым имуществом"
SUBCATEGORY = "Проблемы при подборе площадки для инвестиционного проекта"
FACT = "Необходима информация о свободных земельных участках (в виде списка)"


@pytest.fixture
def personal_manager(live_server, tmp_path):
    """Give the investor's company a personal manager (the live server's database file)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    with engine.begin() as conn:
        conn.execute(update(Organisation).where(Organisation.code == "tria").values(personal_manager="moderator"))
        conn.execute(update(User).where(User.login == "moderator")
                     .values(name="Майер Нелли Викторовна", phone="+7 (904) 123-45-67"))
    engine.dispose()


def test_investor_files_an_appeal_through_the_cascading_pickers(open_as, personal_manager):
    page = open_as("investor")
    page.get_by_role("link", name="Создать обращение").first.click()
    assert page.get_by_label("Факт обращения (категория / подкатегория)").is_hidden(), "the script took over"
    page.get_by_label("Выберите категорию").select_option(label=CATEGORY)
    page.get_by_label("Выберите подкатегорию").select_option(label=SUBCATEGORY)
    page.get_by_label("Выберите факт обращения").select_option(label=FACT)
    preview = page.locator("#deadline-preview")
    preview.get_by_text("Консультация").wait_for()
    assert re.search(r"Тип обращения: Консультация\. Ответ до: \d\d\.\d\d\.\d{4}", preview.inner_text())
    page.get_by_label("Тема обращения").fill("Участок под реализацию проекта")
    page.get_by_label("Описание").fill("Компанию интересует участок западнее 47:20:0112015:226.")
    assert page.get_by_label("ИНН").input_value() == "9704098567"
    page.get_by_label("Файлы").set_input_files([{"name": "ЗУ западнее участка 226.png", "mimeType": "image/png",
                                                 "buffer": b"\x89PNG\r\n\x1a\n"}])
    screenshot(page, "new-appeal")
    page.get_by_role("button", name="Отправить обращение").click()
    page.wait_for_url(re.compile(r"/appeals/\d+$"))

    page.goto(page.url.split("/appeals/")[0] + "/cabinet")
    row = page.get_by_role("row").filter(has_text="Участок под реализацию проекта")
    assert "Обращение поступило на модерацию" in row.inner_text()
    assert page.get_by_text("Майер Нелли Викторовна").is_visible()
    screenshot(page, "cabinet")


def test_the_cabinet_fits_a_phone(open_as, personal_manager):
    page = open_as("investor", width=375)
    page.get_by_role("link", name="Создать обращение").first.click()
    page.get_by_label("Выберите категорию").select_option(label=CATEGORY)
    page.get_by_label("Выберите подкатегорию").select_option(label=SUBCATEGORY)
    page.get_by_label("Выберите факт обращения").select_option(label=FACT)
    page.get_by_label("Тема обращения").fill("Свободные участки в Тосно")
    page.get_by_label("Описание").fill("Нужен список свободных участков.")
    page.get_by_role("button", name="Отправить обращение").click()
    page.wait_for_url(re.compile(r"/appeals/\d+$"))
    page.goto(page.url.split("/appeals/")[0] + "/cabinet")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"no sideways scrolling on a phone ({width} px)"
    screenshot(page, "cabinet-phone")


def test_operator_registers_a_call_and_sees_the_deadline_from_the_time_received(open_as):
    page = open_as("operator")
    assert page.url.endswith("/intake")
    page.get_by_label("Канал поступления").select_option(label="Телефон")
    page.get_by_label("Время поступления").fill("2025-02-21T12:47")
    page.get_by_label("ФИО").fill("Лесохин Константин Витальевич")
    page.get_by_label("Телефон", exact=True).fill("+79112163074")
    page.get_by_label("Название организации").fill("ООО «Ятэк Рус»")
    page.get_by_label("ИНН").fill("4716012340")
    page.get_by_label("Выберите категорию").select_option(value="roads")
    page.get_by_label("Выберите подкатегорию").select_option(value="roads.junction")
    page.get_by_label("Выберите факт обращения").select_option(value=FACT_PROBLEM)
    preview = page.locator("#deadline-preview")
    preview.get_by_text("13.03.2025").wait_for()  # seed 001: #368, a problem of 21.02.2025
    assert "Тип обращения: Проблема" in preview.inner_text()
    page.get_by_label("Тема обращения").fill("Согласование съезда на промышленную улицу")
    page.get_by_label("Описание").fill("Получен отказ на согласование проекта съезда. Просьба организовать ВКС.")
    screenshot(page, "intake")
    page.get_by_role("button", name="Зарегистрировать обращение").click()
    page.wait_for_url(re.compile(r"/appeals/\d+$"))
