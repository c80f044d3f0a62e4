"""The whole Leningrad appeal lifecycle clicked through in a browser, one role after another."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests

from tests.browser.conftest import click_and_wait, screenshot
from tests.support import COMPANY, FACT_CONSULTATION, FACT_PROBLEM, PASSWORD


def _api(live_server: str, login: str) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{live_server}/api/v1/auth/token", json={"login": login, "password": PASSWORD})
    response.raise_for_status()
    session.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return session


def _file(session: requests.Session, live_server: str, **body) -> int:
    response = session.post(f"{live_server}/api/v1/appeals", json={"company": COMPANY, **body})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _act(page, form: str, button: str | None = None, **fields) -> None:
    """Fill the fields of the action form named `form` on the current page and press its button."""
    scope = page.get_by_role("form", name=form)
    for label, value in fields.items():
        label = label.replace("_", " ")
        control = scope.get_by_label(label)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    click_and_wait(page, scope.get_by_role("button", name=button or form, exact=True))


def _status(page) -> str:
    return page.locator(".appeal-head .status-line").inner_text().strip()


def test_appeal_lifecycle_clicked_through_by_every_role(open_as, live_server):
    investor_api = _api(live_server, "investor")
    aid = _file(investor_api, live_server, fact=FACT_PROBLEM, subject="Согласование съезда на промышленную улицу",
                description="Получен отказ на согласование проекта съезда. Просим помочь.")
    _file(investor_api, live_server, fact=FACT_CONSULTATION, subject="Свободные участки в Тосно",
          description="Нужен список свободных участков")
    late = (datetime.now(UTC) - timedelta(days=9)).isoformat()
    _file(_api(live_server, "operator"), live_server, fact=FACT_CONSULTATION, subject="Звонок: порядок примыкания",
          description="Инвестор позвонил", channel="phone", received_at=late)
    url = f"{live_server}/appeals/{aid}"
    pages: dict[str, object] = {}

    def as_(login: str):
        if login not in pages:
            pages[login] = open_as(login)
        page = pages[login]
        page.goto(url)
        return page

    moderator = open_as("moderator")
    pages["moderator"] = moderator
    assert moderator.url.endswith("/inbox")
    rows = moderator.locator("table.inbox tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).get_attribute("class") for i in range(3)] == ["due-red", "due-yellow", "due-green"]
    screenshot(moderator, "inbox")
    moderator.locator(f'tr[data-appeal="{aid}"] a', has_text="Модерация обращения").click()
    screenshot(moderator, "task-form")
    _act(moderator, "Запросить уточнение", Вопрос_инвестору="Уточните кадастровый номер участка")
    assert moderator.url.endswith(f"/appeals/{aid}")
    assert _status(moderator) == "Запрошено уточнение у инвестора"

    investor = as_("investor")
    assert "Уточните кадастровый номер участка" in investor.locator("#dialogue").inner_text()
    _act(investor, "Отправить уточнение", Текст="47:20:0112015:226")

    moderator = as_("moderator")
    _act(moderator, "Принять и передать на исполнение", Исполняющая_организация="Комитет по дорожному хозяйству ЛО")
    assert _status(moderator) == "Обращение передано на исполнение"

    kdh = open_as("kdh_manager")
    pages["kdh_manager"] = kdh
    kdh.locator(f'tr[data-appeal="{aid}"] a', has_text="Взять обращение в работу").click()
    _act(kdh, "Взять в работу")
    _act(kdh, "Перенаправить", Организация="Администрация Тосненского района", Причина="Компетенция района")
    assert _status(kdh) == "Обращение перенаправлено"

    board = pages["moderator"]
    board.goto(f"{live_server}/board")
    assert "Администрация Тосненского района" in board.locator("table.board").inner_text()
    screenshot(board, "board")

    tosno = as_("tosno_manager")
    _act(tosno, "Взять в работу")
    _act(tosno, "Ответить", Текст="Проект съезда согласован администрацией района", Результат="Решено")
    head = as_("head")
    _act(head, "Вернуть на доработку исполнителю", Замечания="Приложите письмо администрации")
    assert _status(head) == "Обращение взято в работу"
    tosno = as_("tosno_manager")
    _act(tosno, "Ответить", Текст="Проект согласован, письмо администрации приложено", Результат="Решено")
    head = as_("head")
    _act(head, "Согласовать и отправить")
    assert _status(head) == "Обращение рассмотрено"

    investor = as_("investor")
    assert "письмо администрации приложено" in investor.locator("section.answer").inner_text()
    _act(investor, "Отправить на доработку", Причина="Письма нет во вложениях")
    assert _status(investor) == "Обращение на доработке"
    tosno = as_("tosno_manager")
    _act(tosno, "Взять в работу")
    _act(tosno, "Ответить", Текст="Письмо во вложении, съезд согласован", Результат="Решено")
    _act(as_("head"), "Согласовать и отправить")

    investor = as_("investor")
    screenshot(investor, "appeal-investor")
    rating = investor.get_by_role("form", name="Принять ответ")
    rating.locator("label[title='5 из 5']").click()
    assert rating.locator("input[name=rating][value='5']").is_checked()
    click_and_wait(investor, rating.get_by_role("button", name="Принять ответ"))
    assert _status(investor) == "Решено"
    assert investor.locator(".rating-shown").get_attribute("aria-label") == "5 из 5"

    staff = as_("moderator")
    history = staff.locator("#history").inner_text()
    for step in ("Обращение подано", "Запрошено уточнение", "Перенаправлено", "Ответ возвращён исполнителю",
                 "Отправлено на доработку", "Ответ принят инвестором"):
        assert step in history
    trail = staff.locator("ol.trail").inner_text()
    assert trail.index("Комитет по дорожному хозяйству ЛО") < trail.index("Администрация Тосненского района")
    assert staff.get_by_role("link", name="Схема процесса").get_attribute("href") == f"/appeals/{aid}/diagram"
    screenshot(staff, "appeal-staff")

    other = open_as("investor2")
    response = other.goto(url)
    assert response.status == 404
    assert other.get_by_role("heading", name="Не найдено").is_visible()


def test_inbox_on_a_phone(open_as, live_server):
    api = _api(live_server, "investor")
    for fact in (FACT_PROBLEM, FACT_CONSULTATION):
        _file(api, live_server, fact=fact, subject="Проверка узкого экрана", description="Текст обращения")
    phone = open_as("moderator", width=375)
    phone.goto(f"{live_server}/inbox")
    first_row = phone.locator("table.inbox tbody tr").first
    assert first_row.locator("td").first.evaluate("e => getComputedStyle(e).display") == "block"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone, "inbox-phone")
    phone.locator("table.inbox tbody tr a").first.click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375, "the task page fits a phone"
    phone.get_by_role("link", name="К обращению").click()
    assert phone.locator("h1").inner_text().startswith("Обращение №")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375, "the appeal page fits a phone"
